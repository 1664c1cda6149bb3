"""Retention: keep pending signatures, hashed client addresses and settled outbox items no
longer than configured.

Pending signatures never counted anywhere but in their petition's ``pending`` counter, so
purging them takes only that counter down, and public counts stay exact. A purge races a
confirmation fairly: both act ``WHERE status = 'pending'``, and only one finds the row.
"""

from datetime import timedelta

from flask import current_app
from sqlalchemy import delete, update

from campaign.models import Outreach, Signature, Signup
from campaign.models.base import db
from campaign.models.types import utcnow
from campaign.services import counting, idempotency, outbox


def purge() -> dict:
    """Apply every retention rule (the caller commits); how many rows each touched."""
    config = current_app.config
    now = utcnow()
    pending_before = now - timedelta(days=config["PENDING_MAX_AGE_DAYS"])
    table = Signature.__table__
    purged = db.session.execute(
        delete(table)
        .where(table.c.status == counting.PENDING, table.c.created_at < pending_before)
        .returning(*counting.SIGNATURE_RETURNING)
    ).all()
    # Pending rows stand in their petition's pending count only: no petition is needed.
    counting.take_out_signatures(purged, petitions={})

    hashes_before = now - timedelta(days=config["IP_HASH_MAX_AGE_DAYS"])
    blanked = 0
    for model in (Signature, Signup, Outreach):
        result = db.session.execute(
            update(model)
            .where(model.ip_hash != "", model.created_at < hashes_before)
            .values(ip_hash="")
        )
        blanked += result.rowcount or 0

    settled = outbox.purge_settled(now - timedelta(days=config["OUTBOX_KEEP_DAYS"]))
    keys = idempotency.purge_expired()
    return {
        "pending_signatures": len(purged),
        "ip_hashes": blanked,
        "outbox": settled,
        "idempotency_keys": keys,
    }
