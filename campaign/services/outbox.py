"""The outbox: messages queued in the business transaction, delivered by a worker.

Delivery is at least once. A worker claims a small batch by setting a lease
(``claimed_until``; on PostgreSQL with ``FOR UPDATE SKIP LOCKED`` so workers never wait on
each other), then sends each item and marks it delivered in its own transaction right after
the send succeeds (or skipped, when its kind finds nothing left to send). A worker killed
mid-batch has therefore acknowledged every item it finished; its unfinished items come back
when the lease runs out. Only an item whose send completed but whose acknowledgement did not
can go out twice, with the same idempotency key (webhook ``Idempotency-Key`` header, email
``Message-ID``), so receivers can drop the repeat.

Failures are retried with exponential backoff up to ``OUTBOX_MAX_ATTEMPTS``; then the item is
``failed`` and stays visible. The worker's loop, which commits each of these steps, is
``flask worker`` (``campaign.commands.worker``); the steps that call the senders are in
``outbox_worker``.
"""

import logging
import os
import random
import socket
import uuid
from datetime import timedelta

from flask import current_app
from sqlalchemy import delete, or_, select, update

from campaign.models import OutboxItem
from campaign.models.base import db
from campaign.models.types import utcnow

log = logging.getLogger(__name__)

# The longest wait between attempts, however many have failed.
MAX_BACKOFF = timedelta(hours=6)
# ``--once`` stops after this many batches even if work keeps arriving.
ONCE_MAX_BATCHES = 1000


def new_key() -> str:
    return uuid.uuid4().hex


def enqueue(
    kind: str,
    payload: dict,
    *,
    ref: str = "",
    person_id: int | None = None,
    webhook_id: int | None = None,
) -> OutboxItem:
    """Queue a message in the current transaction; it is sent once the caller commits."""
    item = OutboxItem(
        kind=kind,
        idempotency_key=new_key(),
        payload=payload,
        ref=ref,
        person_id=person_id,
        webhook_id=webhook_id,
        status="pending",
        attempts=0,
        last_error="",
        claimed_by="",
        next_attempt_at=utcnow(),
        created_at=utcnow(),
    )
    db.session.add(item)
    return item


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


def lease(worker: str, batch: int) -> list[int]:
    """Lease up to ``batch`` due items to ``worker`` in the open transaction; their ids. The
    caller commits the lease before sending any of them (``leased``)."""
    now = utcnow()
    held_for = timedelta(seconds=current_app.config["OUTBOX_LEASE_SECONDS"])
    due = (
        select(OutboxItem.id)
        .where(
            OutboxItem.status == "pending",
            OutboxItem.next_attempt_at <= now,
            or_(OutboxItem.claimed_until.is_(None), OutboxItem.claimed_until < now),
        )
        .order_by(OutboxItem.next_attempt_at, OutboxItem.id)
        .limit(batch)
    )
    if db.engine.dialect.name == "postgresql":
        due = due.with_for_update(skip_locked=True)
    ids = list(db.session.scalars(due))
    if ids:
        db.session.execute(
            update(OutboxItem)
            .where(OutboxItem.id.in_(ids))
            .values(claimed_until=now + held_for, claimed_by=worker)
        )
    return ids


def leased(ids: list[int]) -> list[OutboxItem]:
    """The leased items, oldest first."""
    if not ids:
        return []
    return list(
        db.session.scalars(select(OutboxItem).where(OutboxItem.id.in_(ids)).order_by(OutboxItem.id))
    )


def backoff(attempts: int) -> timedelta:
    """How long to wait after the ``attempts``-th failure: doubling, with jitter."""
    base = current_app.config["OUTBOX_BACKOFF_SECONDS"]
    seconds = base * 2 ** max(attempts - 1, 0)
    seconds *= random.uniform(0.8, 1.2)  # noqa: S311 - spreading retries, not security
    return min(timedelta(seconds=seconds), MAX_BACKOFF)


def acknowledge(item_id: int, at=None) -> None:
    """Mark an item sent (``at``: when, if not now)."""
    _settle(item_id, status="delivered", delivered_at=at or utcnow())


def skip(item_id: int) -> None:
    """Mark an item settled with nothing sent (its kind found nothing to send)."""
    _settle(item_id, status="skipped", delivered_at=None)


def _settle(item_id: int, **values) -> None:
    db.session.execute(
        update(OutboxItem)
        .where(OutboxItem.id == item_id)
        .values(**values, attempts=OutboxItem.attempts + 1, claimed_until=None, last_error="")
    )


def record_failure(item: OutboxItem, error: str) -> None:
    attempts = item.attempts + 1
    failed = attempts >= current_app.config["OUTBOX_MAX_ATTEMPTS"]
    db.session.execute(
        update(OutboxItem)
        .where(OutboxItem.id == item.id)
        .values(
            status="failed" if failed else "pending",
            attempts=attempts,
            last_error=error[:2000],
            next_attempt_at=utcnow() + backoff(attempts),
            claimed_until=None,
        )
    )


def purge_settled(before) -> int:
    """Delete delivered and skipped items older than ``before`` (they hold addresses); how
    many."""
    result = db.session.execute(
        delete(OutboxItem).where(
            OutboxItem.status.in_(("delivered", "skipped")), OutboxItem.created_at < before
        )
    )
    return result.rowcount or 0
