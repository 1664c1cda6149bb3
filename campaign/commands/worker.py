"""``flask worker``: deliver queued email and webhook events from the outbox."""

import signal

import click
from flask import current_app
from flask.cli import with_appcontext

from campaign.services import outbox_worker


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
        delivered = outbox_worker.run(
            once=once,
            batch=batch or current_app.config["OUTBOX_BATCH"],
            idle_seconds=idle,
            stop=lambda: bool(stopping),
        )
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    click.echo(f"delivered {delivered}")
