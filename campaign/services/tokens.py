"""Organizer tokens: created once from the command line, kept only as keyed hashes."""

import hashlib
import hmac
import secrets
from datetime import timedelta

from flask import current_app
from sqlalchemy import or_, select, update

from campaign.models import ApiToken
from campaign.models.base import db
from campaign.models.types import utcnow

SCOPES = ("read", "export", "manage")
SECRET_PREFIX = "cat_"  # noqa: S105 - a marker, not a secret
# last_used_at is for spotting stale tokens, so a minute's precision spares a write per call.
TOUCH_INTERVAL = timedelta(minutes=1)


class TokenError(ValueError):
    """A token request that cannot be honoured (bad scope, name taken, unknown name)."""


def _hash(secret: str) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, secret.encode(), hashlib.sha256).hexdigest()


def parse_scopes(raw: str) -> list[str]:
    scopes = sorted({s.strip() for s in raw.split(",") if s.strip()})
    unknown = [s for s in scopes if s not in SCOPES]
    if unknown or not scopes:
        raise TokenError(f"scopes must be some of {', '.join(SCOPES)}; got {raw!r}")
    return scopes


def create(name: str, scopes: list[str]) -> tuple[ApiToken, str]:
    """Store a new token and return it with its secret, which is never stored or shown again."""
    if db.session.scalar(select(ApiToken).where(ApiToken.name == name)) is not None:
        raise TokenError(f"a token named {name!r} exists; revoke it or pick another name")
    secret = SECRET_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        name=name, prefix=secret[:12], token_hash=_hash(secret), scopes=",".join(scopes)
    )
    db.session.add(token)
    return token, secret


def all_tokens() -> list[ApiToken]:
    return list(db.session.scalars(select(ApiToken).order_by(ApiToken.id)))


def revoke(name: str) -> ApiToken:
    token = db.session.scalar(select(ApiToken).where(ApiToken.name == name))
    if token is None:
        raise TokenError(f"no token is named {name!r}")
    if token.revoked_at is None:
        token.revoked_at = utcnow()
    return token


def authenticate(secret: str) -> ApiToken | None:
    """The live token whose secret this is, or None."""
    # Secrets are printable ASCII; anything else (a header may carry any byte) names none.
    if not secret.startswith(SECRET_PREFIX) or not (secret.isascii() and secret.isprintable()):
        return None
    digest = _hash(secret)
    token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == digest))
    if token is None or token.revoked_at is not None:
        return None
    if not hmac.compare_digest(token.token_hash, digest):
        return None
    return token


def _stale_use(token: ApiToken):
    """The cutoff before which last_used_at should be moved on, or None if it is fresh."""
    now = utcnow()
    if token.last_used_at is not None and now - token.last_used_at < TOUCH_INTERVAL:
        return None
    return now


def touch(token: ApiToken) -> None:
    """Record, in the session's transaction, that ``token`` was used (at most once per
    TOUCH_INTERVAL)."""
    now = _stale_use(token)
    if now is not None:
        token.last_used_at = now


def touch_statement(token: ApiToken):
    """The same record as one UPDATE that a caller runs outside the session's transaction
    (a read, see ``campaign.api.auth.touch_apart``), or None when the last use is fresh.

    It moves ``last_used_at`` only if no other request has moved it meanwhile.
    """
    now = _stale_use(token)
    if now is None:
        return None
    return (
        update(ApiToken)
        .where(
            ApiToken.id == token.id,
            or_(ApiToken.last_used_at.is_(None), ApiToken.last_used_at < now - TOUCH_INTERVAL),
        )
        .values(last_used_at=now)
    )
