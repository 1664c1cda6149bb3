"""The HTTP API: one blueprint module per resource, registered here."""

from flask import Flask

from campaign.extensions import rest_api


def register(app: Flask) -> None:
    from campaign.api import campaigns, ops, petitions, signatures, signups, tallies

    rest_api.register_blueprint(campaigns.blp)
    rest_api.register_blueprint(petitions.blp)
    rest_api.register_blueprint(signatures.blp)
    rest_api.register_blueprint(signups.blp)
    rest_api.register_blueprint(tallies.blp)
    ops.register(app)
