"""The outbox worker: sends each claimed item by its kind and records the outcome.

Senders register with ``delivery`` by kind when their modules are imported (the app imports
them all), so the worker looks them up there and imports none of them; the outbox module,
which the senders queue into, stays below both.
"""

import logging
import time
from collections.abc import Callable

from campaign.models import OutboxItem
from campaign.models.base import db
from campaign.services import delivery, outbox

log = logging.getLogger("campaign.services.outbox")


def process(item: OutboxItem) -> bool:
    """Send one claimed item and record the outcome in its own transaction; True if sent."""
    claimed = delivery.Claimed(item.id, item.kind, item.webhook_id)
    kind = delivery.KINDS.get(claimed.kind)
    try:
        if kind is None:
            raise LookupError(f"no sender is registered for the kind {claimed.kind!r}")
        status = kind.send(item)
    except Exception as error:  # noqa: BLE001 - any failure is retried, never lost
        db.session.rollback()
        item = db.session.get(OutboxItem, claimed.id)
        if item is None:  # erased meanwhile: nothing left to send
            db.session.commit()
            return False
        detail = str(error) or type(error).__name__
        if not isinstance(error, delivery.DeliveryError):
            log.exception("outbox item %s (%s) failed", claimed.id, claimed.kind)
        outbox.record_failure(item, detail)
        if kind is not None and kind.outcome is not None:
            kind.outcome(claimed, getattr(error, "status", None), detail)
        db.session.commit()
        return False
    outbox.acknowledge(claimed.id)
    if kind.outcome is not None:
        kind.outcome(claimed, status, "")
    db.session.commit()
    return True


def run(*, once: bool, batch: int, idle_seconds: float, stop: Callable[[], bool]) -> int:
    """Deliver due items until ``stop()`` (or, with ``once``, until none is due); how many."""
    worker = outbox.worker_name()
    delivered = 0
    batches = 0
    while not stop():
        items = outbox.claim(worker, batch)
        batches += 1
        for item in items:
            delivered += process(item)
            if stop():
                break
        if not items:
            if once:
                break
            time.sleep(idle_seconds)
        elif once and batches >= outbox.ONCE_MAX_BATCHES:
            break
    db.session.remove()
    return delivered
