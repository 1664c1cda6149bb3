"""The outbox worker: sends each claimed item by its kind and records the outcome.

The senders queue into the outbox themselves (a counted signature emits a webhook event),
so the worker that calls them lives here, above both, and the outbox module stays below.
"""

import logging
import time
from collections.abc import Callable

from campaign.models import OutboxItem
from campaign.models.base import db
from campaign.services import advocacy_events, confirmation, outbox, webhooks

log = logging.getLogger("campaign.services.outbox")


def _handlers() -> dict[str, Callable[[OutboxItem], int | None]]:
    return {
        "confirmation": confirmation.send,
        "webhook": webhooks.deliver,
        "letter": advocacy_events.send_letter,
    }


def process(item: OutboxItem) -> bool:
    """Send one claimed item and record the outcome in its own transaction; True if sent."""
    item_id, kind, webhook_id = item.id, item.kind, item.webhook_id
    try:
        status = _handlers()[kind](item)
    except Exception as error:  # noqa: BLE001 - any failure is retried, never lost
        db.session.rollback()
        item = db.session.get(OutboxItem, item_id)
        if item is None:  # erased meanwhile: nothing left to send
            db.session.commit()
            return False
        detail = str(error) or type(error).__name__
        if not isinstance(error, outbox.DeliveryError):
            log.exception("outbox item %s (%s) failed", item_id, kind)
        outbox.record_failure(item, detail)
        if webhook_id is not None:
            webhooks.record_attempt(webhook_id, getattr(error, "status", None), detail)
        db.session.commit()
        return False
    outbox.acknowledge(item_id)
    if webhook_id is not None:
        webhooks.record_attempt(webhook_id, status, "")
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
