"""Organizer authentication: a Bearer token (or OSDI-API-Token) carrying the needed scope."""

import logging
from functools import wraps

from flask import g, request
from sqlalchemy.exc import SQLAlchemyError

from campaign.errors import abort
from campaign.models import ApiToken
from campaign.models.base import db
from campaign.services import tokens

BEARER_SCHEME = {
    "type": "http",
    "scheme": "bearer",
    "description": "An organizer token from `flask --app wsgi tokens create NAME --scopes ...`",
}
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})

log = logging.getLogger(__name__)


# RFC 9110: a 401 names how to authenticate. OSDI clients may send OSDI-API-Token instead.
CHALLENGE = {"WWW-Authenticate": 'Bearer realm="organizer"'}


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
            headers=CHALLENGE,
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
                    headers=CHALLENGE,
                )
            if scope not in token.scope_set:
                abort(403, f"This token lacks the {scope!r} scope.", slug="insufficient-scope")
            note_use(token)
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
            headers=CHALLENGE,
        )
    note_use(token)
    g.token = token
    return token


def note_use(token: ApiToken) -> None:
    """Record that this request used ``token``, at most once a minute (``tokens.touch``).

    A write records it in the request's transaction, committed with everything else (on
    SQLite that transaction already holds the write lock, which a second connection would
    wait for in vain); a read, which never commits, records it apart (``touch_apart``).
    """
    if request.method in WRITE_METHODS:
        tokens.touch(token)
    else:
        touch_apart(token)


def touch_apart(token: ApiToken) -> None:
    """Record a read's use of ``token`` in a short transaction of its own, best effort.

    The one commit outside a write request's (``campaign.api.transaction``): a read never
    commits the request's session, yet organizers mostly read, and a token's last use is how
    a stale one is spotted. A separate connection keeps the read a read; a failure loses
    only this note.
    """
    statement = tokens.touch_statement(token)
    if statement is None:
        return
    try:
        with db.engine.begin() as connection:
            connection.execute(statement)
    except SQLAlchemyError as error:
        log.warning("could not record token use: %s", error)
