"""Flask commands for the outbox worker, personal-data rights and retention."""

import json
import signal

import click
from flask.cli import AppGroup, with_appcontext

from campaign.services import outbox_worker, privacy, retention


@click.command("worker")
@click.option("--once", is_flag=True, help="Deliver what is due now, then exit.")
@click.option("--batch", type=click.IntRange(1, 1000), default=None, help="Items per claim.")
@click.option("--idle", type=click.FloatRange(0.05, 60), default=1.0, show_default=True)
@with_appcontext
def worker_command(once: bool, batch: int | None, idle: float) -> None:
    """Deliver queued email and webhook events; runs until stopped (SIGTERM or Ctrl-C)."""
    from flask import current_app

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


people_group = AppGroup("people", help="Personal-data rights: export or erase a person.")


@people_group.command("export")
@click.argument("email")
def people_export(email: str) -> None:
    """Print everything held about the person with EMAIL, as JSON."""
    data = privacy.export(email)
    if data is None:
        raise click.ClickException("no person has that email")
    click.echo(json.dumps(data, indent=2, ensure_ascii=False, default=str))


@people_group.command("erase")
@click.argument("email")
def people_erase(email: str) -> None:
    """Erase the person with EMAIL: their signatures and sign-ups leave every count."""
    result = privacy.erase_by_email(email)
    if result is None:
        raise click.ClickException("no person has that email")
    click.echo(
        f"erased person {result['person_id']}: {result['signatures']} signatures, "
        f"{result['signups']} sign-ups"
    )


retention_group = AppGroup("retention", help="Delete what is kept no longer than needed.")


@retention_group.command("purge")
def retention_purge() -> None:
    """Purge old pending signatures, blank old hashed addresses, drop delivered outbox rows
    and idempotency keys past their 24 hours."""
    result = retention.purge()
    click.echo(
        f"purged {result['pending_signatures']} pending signatures, blanked "
        f"{result['ip_hashes']} hashed addresses, deleted {result['outbox']} delivered messages "
        f"and {result['idempotency_keys']} expired idempotency keys"
    )


COMMANDS = (worker_command, people_group, retention_group)
