"""The HTTP API: one blueprint module per resource, registered here."""

from flask import Flask

from campaign.extensions import rest_api


def register(app: Flask) -> None:
    from campaign.api import campaigns, ops, petitions

    rest_api.register_blueprint(campaigns.blp)
    rest_api.register_blueprint(petitions.blp)
    ops.register(app)
