"""OSDI 1.1 at /osdi/v1, so organizers' OSDI and Action Network tools work unchanged."""

from flask_smorest import Api

from campaign.api.osdi import (  # noqa: F401 - routes
    advocacy,
    entry,
    people,
    petitions,
    signatures,
)
from campaign.api.osdi.blueprint import SCHEME, SCHEME_NAME, blp


def register(api: Api) -> None:
    """Register the routes and declare the OSDI-API-Token scheme (each app has its own spec)."""
    api.register_blueprint(blp)
    api.spec.components.security_scheme(SCHEME_NAME, SCHEME)
