"""``flask retention purge``: delete what is kept no longer than needed."""

import click
from flask.cli import AppGroup

from campaign.models.base import db
from campaign.services import retention

retention_group = AppGroup("retention", help="Delete what is kept no longer than needed.")


@retention_group.command("purge")
def retention_purge() -> None:
    """Purge old pending signatures, blank old hashed addresses, drop delivered and skipped
    outbox rows and idempotency keys past their 24 hours."""
    result = retention.purge()
    db.session.commit()
    click.echo(
        f"purged {result['pending_signatures']} pending signatures, blanked "
        f"{result['ip_hashes']} hashed addresses, deleted {result['outbox']} settled messages "
        f"and {result['idempotency_keys']} expired idempotency keys"
    )
