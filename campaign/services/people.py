"""Finding people by canonical email; creating them from a public write, updating them only
from an organizer's.

A public (unauthenticated) write never changes a stored person: anyone may type anyone's
email. It creates a new person with what was typed, or finds the existing one and leaves
their names, postal code, country, region, consent and email as they are; what was typed is
kept on the action row instead. So consent once withdrawn is never turned back on by a
public write.
"""

import hashlib
import hmac

from flask import current_app
from sqlalchemy import delete, select

from campaign.models import CampaignPerson, Person
from campaign.models.base import db
from campaign.models.types import utcnow
from campaign.services import dialect
from campaign.services.emails import canonical_email


def hash_address(address: str | None) -> str:
    """A keyed hash of a client address: linkable for fraud review, not reversible."""
    if not address:
        return ""
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, address.encode(), hashlib.sha256).hexdigest()


PERSON_FIELDS = ("given_name", "family_name", "postal_code", "country", "region", "consent")


def typed_details(details: dict) -> dict:
    """What a person typed with an action (``PERSON_FIELDS``), as the action row keeps it."""
    typed = {field: details.get(field) or "" for field in PERSON_FIELDS}
    typed["consent"] = bool(details.get("consent"))
    return typed


def new_person_values(details: dict, now) -> dict:
    """The row a public write creates for someone new: what they typed."""
    return {
        "email": details["email"],
        "email_canonical": canonical_email(details["email"]),
        **typed_details(details),
        "created_at": now,
        "updated_at": now,
    }


def insert_or_find(details: dict) -> int:
    """The id of the person with this email, created from ``details`` if new, else unchanged.

    One statement whatever the case: the no-op update on conflict locks the existing row and
    returns its id, so new and known emails take the same path and the same time.
    """
    stmt = dialect.insert(Person).values(new_person_values(details, utcnow()))
    stmt = stmt.on_conflict_do_update(
        index_elements=["email_canonical"], set_={"email_canonical": stmt.excluded.email_canonical}
    )
    return db.session.execute(stmt.returning(Person.id)).scalar_one()


def upsert(details: dict) -> int:
    """Create the person with this email, or update them with the details given; their id.

    For organizer-token writes only (OSDI with a token): public writes use ``insert_or_find``.
    One statement, so that concurrent posts for one email meet at the unique index and the
    later ones update the row the first created.
    """
    now = utcnow()
    given = {field: details[field] for field in PERSON_FIELDS if field in details}
    values = {"family_name": "", **given}
    values.update(
        email=details["email"],
        email_canonical=canonical_email(details["email"]),
        created_at=now,
        updated_at=now,
    )
    stmt = dialect.insert(Person).values(values)
    # Only what this post carries is updated: a field left out keeps its stored value.
    changed = {k: stmt.excluded[k] for k in (*given, "email", "updated_at")}
    stmt = stmt.on_conflict_do_update(index_elements=["email_canonical"], set_=changed)
    return db.session.execute(stmt.returning(Person.id)).scalar_one()


JOIN_ATTEMPTS = 3


def join_campaign(campaign_id: int, person_id: int) -> bool:
    """Record the person as part of the campaign; True only the first time."""
    stmt = dialect.insert(CampaignPerson).values(
        campaign_id=campaign_id, person_id=person_id, created_at=utcnow()
    )
    stmt = stmt.on_conflict_do_nothing(index_elements=["campaign_id", "person_id"])
    existing = (
        select(CampaignPerson.person_id)
        .where(CampaignPerson.campaign_id == campaign_id, CampaignPerson.person_id == person_id)
        .with_for_update()
    )
    for _ in range(JOIN_ATTEMPTS):
        if db.session.execute(stmt.returning(CampaignPerson.person_id)).first() is not None:
            return True
        # Lock the row we found: an invalidation that would remove the person from the
        # campaign then waits for this transaction and sees its new signature. If one has
        # just removed it, the row is gone and the insert is tried again, and counts.
        if db.session.scalar(existing) is not None:
            return False
    return False


def delete_rows(model, person_id: int, column) -> list:
    """Delete the person's rows of ``model``; ``column`` of each deleted row (for taking them
    out of the counts). The caller commits."""
    deleted = delete(model).where(model.person_id == person_id).returning(column)
    return db.session.scalars(deleted).all()
