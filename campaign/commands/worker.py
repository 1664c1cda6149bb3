"""``flask worker``: deliver queued email and webhook events from the outbox.

The loop commits as it goes, so that a worker stopped at any point has acknowledged every
item it finished (see ``outbox``): a batch's lease before its first send, a confirmation
token before its email goes, and each item's outcome on its own, right after its send.
"""

import signal
import time
from collections.abc import Callable

import click
from flask import current_app
from flask.cli import with_appcontext

from campaign.models import OutboxItem
from campaign.models.base import db
from campaign.services import outbox, outbox_worker


def claim(worker: str, batch: int) -> list[OutboxItem]:
    """Lease up to ``batch`` due items to ``worker`` and commit the lease; the items, oldest
    first."""
    ids = outbox.lease(worker, batch)
    db.session.commit()
    return outbox.leased(ids)


def deliver(item: OutboxItem) -> bool:
    """Send one claimed item and commit its outcome in a transaction of its own; True if
    sent."""
    claimed = outbox_worker.claimed(item)
    try:
        send, stored = outbox_worker.prepare(item)
        if send is None:
            outbox_worker.nothing_to_send(item)
            db.session.commit()
            return False
        if stored:
            db.session.commit()
        status = send()
    except Exception as error:  # noqa: BLE001 - any failure is retried, never lost
        db.session.rollback()
        outbox_worker.failed(claimed, error)
        db.session.commit()
        return False
    outbox_worker.succeeded(claimed, status)
    db.session.commit()
    return True


def run(*, once: bool, batch: int, idle_seconds: float, stop: Callable[[], bool]) -> int:
    """Deliver due items until ``stop()`` (or, with ``once``, until none is due); how many."""
    worker = outbox.worker_name()
    delivered = 0
    batches = 0
    while not stop():
        items = claim(worker, batch)
        batches += 1
        for item in items:
            delivered += deliver(item)
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


@click.command("worker")
@click.option("--once", is_flag=True, help="Deliver what is due now, then exit.")
@click.option("--batch", type=click.IntRange(1, 1000), default=None, help="Items per claim.")
@click.option("--idle", type=click.FloatRange(0.05, 60), default=1.0, show_default=True)
@with_appcontext
def worker_command(once: bool, batch: int | None, idle: float) -> None:
    """Deliver queued email and webhook events; runs until stopped (SIGTERM or Ctrl-C)."""
    stopping = []

    def stop(*_args) -> None:
        # Finish the item in hand, acknowledge it, then leave.
        stopping.append(True)

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        delivered = run(
            once=once,
            batch=batch or current_app.config["OUTBOX_BATCH"],
            idle_seconds=idle,
            stop=lambda: bool(stopping),
        )
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    click.echo(f"delivered {delivered}")
