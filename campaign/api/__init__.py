"""The HTTP API: one blueprint module per resource, registered here."""

from flask import Flask

from campaign.extensions import rest_api


def register(app: Flask) -> None:
    from campaign.api import (
        admin,
        badge,
        campaigns,
        embed,
        ops,
        osdi,
        petitions,
        security,
        signers,
        signatures,
        signups,
        tallies,
    )

    rest_api.register_blueprint(campaigns.blp)
    rest_api.register_blueprint(petitions.blp)
    security.register(rest_api)
    rest_api.register_blueprint(signers.blp)
    rest_api.register_blueprint(admin.blp)
    rest_api.register_blueprint(signatures.blp)
    rest_api.register_blueprint(signups.blp)
    rest_api.register_blueprint(tallies.blp)
    rest_api.register_blueprint(badge.blp)
    osdi.register(rest_api)
    ops.register(app)
    app.register_blueprint(embed.bp)
