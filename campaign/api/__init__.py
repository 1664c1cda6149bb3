"""The HTTP API: one blueprint module per resource, registered here."""

from flask import Flask

from campaign.extensions import rest_api


def register(app: Flask) -> None:
    from campaign.api import converters

    converters.register(app)
    from campaign.api import (
        admin,
        badge,
        campaigns,
        confirm,
        embed,
        ops,
        osdi,
        people,
        petitions,
        security,
        signatures,
        signers,
        signups,
        tallies,
        webhooks,
    )

    rest_api.register_blueprint(campaigns.blp)
    rest_api.register_blueprint(petitions.blp)
    security.register(rest_api)
    rest_api.register_blueprint(signers.blp)
    rest_api.register_blueprint(admin.blp)
    rest_api.register_blueprint(signatures.blp)
    rest_api.register_blueprint(signups.blp)
    tallies.register(app)
    rest_api.register_blueprint(badge.blp)
    osdi.register(rest_api)
    ops.register(app)
    confirm.register(app)
    rest_api.register_blueprint(people.blp)
    rest_api.register_blueprint(webhooks.blp)
    app.register_blueprint(embed.bp)
