"""Idempotency-Key: a retried write gets the first answer instead of acting twice.

The first successful response to a (scope, key) is stored in the same transaction as the
write itself, so a key is remembered exactly when its write is committed. A retry with the
same key and the same body gets that response back; the same key with another body is
refused. Keys are forgotten after ``TTL``: a later use of an expired key starts afresh.
Only successes are remembered; a request refused with a 4xx may be retried with its key.
"""

import hashlib
import hmac
import json
from collections.abc import Callable
from datetime import timedelta

from flask import current_app
from sqlalchemy import delete, select

from campaign.models import IdempotencyKey
from campaign.models.base import db
from campaign.models.types import utcnow
from campaign.services import dialect
from campaign.services.errors import Conflict, Invalid, Malformed

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
TTL = timedelta(hours=24)
MAX_KEY_LENGTH = 255


def parse_key(value: str | None) -> str | None:
    """The key from the header, None when absent; a problem when it is not usable."""
    if value is None:
        return None
    if not (0 < len(value) <= MAX_KEY_LENGTH and value.isascii() and value.isprintable()):
        raise Malformed(
            f"{HEADER} must be 1 to {MAX_KEY_LENGTH} printable ASCII characters.",
            slug="invalid-idempotency-key",
        )
    return value


def fingerprint(payload) -> str:
    """A keyed digest of the request body as parsed JSON: key order and spacing do not matter,
    and the stored digest cannot be used to test guesses of who signed."""
    canonical = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, canonical.encode(), hashlib.sha256).hexdigest()


def _stored(scope: str, key: str) -> IdempotencyKey | None:
    return db.session.scalar(
        select(IdempotencyKey).where(
            IdempotencyKey.scope == scope,
            IdempotencyKey.key == key,
            IdempotencyKey.created_at > utcnow() - TTL,
        )
    )


def _replay(row: IdempotencyKey, request_hash: str) -> tuple[dict, int, dict]:
    if row.request_hash != request_hash:
        raise Invalid(
            f"This {HEADER} was already used with a different body. "
            "Use a new key for a new request.",
            slug="idempotency-key-reused",
        )
    return json.loads(row.body), row.status_code, {REPLAYED_HEADER: "true"}


def _remember(scope: str, key: str, request_hash: str, status: int, body: dict) -> bool:
    """Store the response in the open transaction; False if a live record already holds the key.

    An expired record is overwritten in the same statement, so that it never blocks its key.
    """
    now = utcnow()
    stmt = dialect.insert(IdempotencyKey).values(
        scope=scope,
        key=key,
        request_hash=request_hash,
        status_code=status,
        body=json.dumps(body, ensure_ascii=False),
        created_at=now,
    )
    stmt = stmt.on_conflict_do_update(
        index_elements=["scope", "key"],
        set_={
            "request_hash": stmt.excluded.request_hash,
            "status_code": stmt.excluded.status_code,
            "body": stmt.excluded.body,
            "created_at": stmt.excluded.created_at,
        },
        where=IdempotencyKey.created_at <= now - TTL,
    )
    return db.session.execute(stmt.returning(IdempotencyKey.key)).first() is not None


def run_once(
    scope: str,
    key: str | None,
    payload: Callable[[], object],
    write: Callable[[], dict],
    status: int = 201,
) -> tuple[dict, int, dict]:
    """Run ``write`` once per key, recording its response in the same transaction, which
    the caller commits (the request, once the view has answered).

    ``payload`` gives the request body as parsed JSON; it is read and fingerprinted only when
    a key is sent, so a write without one (the busiest kind) pays nothing here.
    Returns (body, status, headers) for the view: the fresh response, or the stored one.
    """
    if key is None:
        return write(), status, {}
    request_hash = fingerprint(payload())
    if (row := _stored(scope, key)) is not None:
        return _replay(row, request_hash)
    body = write()
    if not _remember(scope, key, request_hash, status, body):
        # A concurrent request with this key committed first: its answer stands, ours goes.
        db.session.rollback()
        winner = _stored(scope, key)
        if winner is None:
            raise Conflict(
                f"A request with this {HEADER} was in progress. Retry it.", slug="conflict"
            )
        return _replay(winner, request_hash)
    return body, status, {}


def purge_expired() -> int:
    """Delete records older than ``TTL`` (the caller commits); the number deleted."""
    result = db.session.execute(
        delete(IdempotencyKey).where(IdempotencyKey.created_at <= utcnow() - TTL)
    )
    return result.rowcount or 0
