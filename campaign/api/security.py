"""Organizer operations: the Bearer scheme in the OpenAPI document, and one decorator that
both enforces a token scope and documents it."""

from flask_smorest import Api, Blueprint

from campaign.api.auth import BEARER_SCHEME, require_scope

SCHEME_NAME = "bearerAuth"


def register(api: Api) -> None:
    """Declare the Bearer scheme; each app's init_app builds a fresh spec, so once per app."""
    api.spec.components.security_scheme(SCHEME_NAME, BEARER_SCHEME)


def organizer(blp: Blueprint, scope: str):
    """Require a token with ``scope`` before anything else runs (even argument parsing), and
    say so in the operation's documentation."""

    def decorator(view):
        view = require_scope(scope)(view)
        view = blp.doc(security=[{SCHEME_NAME: []}])(view)
        view = blp.alt_response(401, response="UNAUTHORIZED")(view)
        return blp.alt_response(403, response="FORBIDDEN")(view)

    return decorator
