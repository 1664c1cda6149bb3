"""Organizer authentication: a Bearer token (or OSDI-API-Token) carrying the needed scope."""

from functools import wraps

from flask import g, request

from campaign.errors import abort
from campaign.services import tokens

BEARER_SCHEME = {
    "type": "http",
    "scheme": "bearer",
    "description": "An organizer token from `flask --app wsgi tokens create NAME --scopes ...`",
}
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def presented_secret() -> str:
    header = request.headers.get("Authorization", "")
    scheme, _, credentials = header.partition(" ")
    if scheme.lower() == "bearer" and credentials.strip():
        return credentials.strip()
    return request.headers.get("OSDI-API-Token", "").strip()


def carries_live_token() -> bool:
    """Whether the request carries a live organizer token (looked up only when one is sent)."""
    secret = presented_secret()
    return bool(secret) and tokens.authenticate(secret) is not None


def optional_scope(scope: str) -> bool:
    """Whether the request carries a live token with ``scope``; for reads that show more to
    organizers. A token that is sent but not valid is a 401, as on organizer routes."""
    secret = presented_secret()
    if not secret:
        return False
    token = tokens.authenticate(secret)
    if token is None:
        abort(
            401,
            "The organizer token sent is not valid; send none for the public view.",
            slug="unauthorized",
            headers={"WWW-Authenticate": 'Bearer realm="organizer"'},
        )
    return scope in token.scope_set


def require_scope(scope: str):
    """Let the view run only for a live token with ``scope``: 401 without one, 403 without it."""

    def decorator(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            secret = presented_secret()
            token = tokens.authenticate(secret) if secret else None
            if token is None:
                abort(
                    401,
                    "Send a valid organizer token as 'Authorization: Bearer <token>'.",
                    slug="unauthorized",
                    headers={"WWW-Authenticate": 'Bearer realm="organizer"'},
                )
            if scope not in token.scope_set:
                abort(403, f"This token lacks the {scope!r} scope.", slug="insufficient-scope")
            tokens.touch(token, in_session=request.method in WRITE_METHODS)
            g.token = token
            return view(*args, **kwargs)

        return wrapper

    return decorator


def optional_organizer():
    """The live token (any scope) a read carries, or None when it carries none.

    Reads that show organizers more (drafts) take a token without requiring one; a token
    that is presented but not live is refused (401) rather than silently read as anonymous.
    """
    secret = presented_secret()
    if not secret:
        return None
    token = tokens.authenticate(secret)
    if token is None:
        abort(
            401,
            "The organizer token is not valid; send a live one or none.",
            slug="unauthorized",
            headers={"WWW-Authenticate": 'Bearer realm="organizer"'},
        )
    tokens.touch(token, in_session=False)
    g.token = token
    return token
