"""The outbox worker's steps: find a claimed item's sender by its kind, record the outcome.

Senders register with ``delivery`` by kind when their modules are imported (the app imports
them all), so the worker looks them up there and imports none of them; the outbox module,
which the senders queue into, stays below both. The loop that claims items, calls these
steps and commits after each is ``flask worker`` (``campaign.commands.worker``).
"""

import logging
from functools import partial

from campaign.models import OutboxItem
from campaign.models.base import db
from campaign.services import delivery, outbox

log = logging.getLogger("campaign.services.outbox")


def claimed(item: OutboxItem) -> delivery.Claimed:
    """What the worker knows of ``item`` before sending it."""
    return delivery.Claimed(item.id, item.kind, item.webhook_id)


def prepare(item: OutboxItem) -> tuple[delivery.Send | None, bool]:
    """The send of one claimed item (None: nothing left to send, see ``nothing_to_send``), and
    whether something was stored for it that the worker must commit before sending (see
    ``delivery.Prepare``)."""
    kind = delivery.KINDS.get(item.kind)
    if kind is None:
        raise LookupError(f"no sender is registered for the kind {item.kind!r}")
    if kind.prepare is None:
        return partial(kind.send, item), False
    send = kind.prepare(item)
    return send, send is not None


def nothing_to_send(item: OutboxItem) -> None:
    """Settle an item its kind found nothing left to send for, in the open transaction:
    skipped, or delivered (at the time it was readied) when an earlier attempt readied it
    and may have sent it before failing, as a confirmation whose link has since been used."""
    if item.prepared_at is None:
        outbox.skip(item.id)
    else:
        outbox.acknowledge(item.id, at=item.prepared_at)


def succeeded(claimed: delivery.Claimed, status: int | None) -> None:
    """Mark the item delivered and note the outcome, in the open transaction."""
    outbox.acknowledge(claimed.id)
    kind = delivery.KINDS[claimed.kind]
    if kind.outcome is not None:
        kind.outcome(claimed, status, "")


def failed(claimed: delivery.Claimed, error: Exception) -> None:
    """Record a failed send in a fresh transaction (the caller has rolled back what the
    attempt wrote): retried later with backoff, or failed for good, and noted on the endpoint.
    Called while ``error`` is being handled, so that an unexpected one is logged with its
    traceback."""
    item = db.session.get(OutboxItem, claimed.id)
    if item is None:  # erased meanwhile: nothing left to send
        return
    detail = str(error) or type(error).__name__
    if not isinstance(error, delivery.DeliveryError):
        log.exception("outbox item %s (%s) failed", claimed.id, claimed.kind)
    outbox.record_failure(item, detail)
    kind = delivery.KINDS.get(claimed.kind)
    if kind is not None and kind.outcome is not None:
        kind.outcome(claimed, getattr(error, "status", None), detail)
