"""Organizer tokens: created once from the command line, kept only as keyed hashes."""

import hashlib
import hmac
import secrets

from flask import current_app
from sqlalchemy import select

from campaign.extensions import db
from campaign.models import ApiToken
from campaign.models.types import utcnow

SCOPES = ("read", "export", "manage")
SECRET_PREFIX = "cat_"  # noqa: S105 - a marker, not a secret


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
    db.session.commit()
    return token, secret


def all_tokens() -> list[ApiToken]:
    return list(db.session.scalars(select(ApiToken).order_by(ApiToken.id)))


def revoke(name: str) -> ApiToken:
    token = db.session.scalar(select(ApiToken).where(ApiToken.name == name))
    if token is None:
        raise TokenError(f"no token is named {name!r}")
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        db.session.commit()
    return token


def authenticate(secret: str) -> ApiToken | None:
    """The live token whose secret this is, or None."""
    if not secret.startswith(SECRET_PREFIX):
        return None
    digest = _hash(secret)
    token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == digest))
    if token is None or token.revoked_at is not None:
        return None
    if not hmac.compare_digest(token.token_hash, digest):
        return None
    return token
