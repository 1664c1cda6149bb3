"""Personal-data rights: export everything held about a person, erase a person, unsubscribe.

Erasure deletes the person's signatures, sign-ups, campaign memberships, queued messages and
the person, and takes each deleted row out of the counts it stood in, in one transaction.
The person's row is locked first, so a concurrent signature by them either commits before
(and is erased with them) or waits and then creates a new person. Signatures are deleted with
``DELETE ... RETURNING``: a concurrent invalidation that got there first leaves an
``invalidated`` row, which counts nowhere and so is not taken down twice.
"""

from sqlalchemy import delete, select, update
from sqlalchemy.orm import selectinload

from campaign.models import (
    Campaign,
    CampaignPerson,
    OutboxItem,
    Person,
    Petition,
    Signature,
    Signup,
)
from campaign.models.base import db
from campaign.services import advocacy_integrity, counting, links, people

PERSON_FIELDS = (
    "id",
    "email",
    "given_name",
    "family_name",
    "postal_code",
    "country",
    "region",
    "consent",
    "created_at",
    "updated_at",
)


def find(email: str) -> Person | None:
    return db.session.scalar(
        select(Person).where(Person.email_canonical == people.canonical_email(email))
    )


def _iso(moment):
    return moment.isoformat() if moment else None


def export(email: str) -> dict | None:
    """Everything held about the person with ``email``, or None if there is no such person."""
    person = find(email)
    if person is None:
        return None
    signatures = db.session.execute(
        select(Signature, Petition.slug)
        .join(Petition, Petition.id == Signature.petition_id)
        .where(Signature.person_id == person.id)
        .order_by(Signature.id)
    ).all()
    signups = db.session.execute(
        select(Signup, Campaign.slug)
        .join(Campaign, Campaign.id == Signup.campaign_id)
        .where(Signup.person_id == person.id)
        .order_by(Signup.id)
    ).all()
    campaigns = db.session.scalars(
        select(Campaign.slug)
        .join(CampaignPerson, CampaignPerson.campaign_id == Campaign.id)
        .where(CampaignPerson.person_id == person.id)
        .order_by(Campaign.slug)
    ).all()
    messages = db.session.scalars(
        select(OutboxItem).where(OutboxItem.person_id == person.id).order_by(OutboxItem.id)
    ).all()
    record = {field: getattr(person, field) for field in PERSON_FIELDS}
    record["created_at"], record["updated_at"] = _iso(person.created_at), _iso(person.updated_at)
    return {
        "person": record,
        "signatures": [
            {
                "id": s.id,
                "petition": slug,
                "status": s.status,
                "comment": s.comment,
                "source": s.source,
                "referrer": s.referrer,
                "country": s.country,
                "region": s.region,
                "ip_hash": s.ip_hash,
                "created_at": _iso(s.created_at),
                "counted_at": _iso(s.counted_at),
            }
            for s, slug in signatures
        ],
        "signups": [
            {
                "id": s.id,
                "campaign": slug,
                "consent": s.consent,
                "source": s.source,
                "referrer": s.referrer,
                "ip_hash": s.ip_hash,
                "created_at": _iso(s.created_at),
            }
            for s, slug in signups
        ],
        "campaigns": list(campaigns),
        "outreaches": advocacy_integrity.export_person(person.id),
        "messages": [
            {
                "kind": m.kind,
                "status": m.status,
                "created_at": _iso(m.created_at),
                "delivered_at": _iso(m.delivered_at),
            }
            for m in messages
        ],
    }


def erase(person_id: int) -> dict | None:
    """Erase the person; what was removed, or None if there is no such person."""
    locked = db.session.scalar(select(Person.id).where(Person.id == person_id).with_for_update())
    if locked is None:
        db.session.rollback()
        return None
    table = Signature.__table__
    removed = db.session.execute(
        delete(table).where(table.c.person_id == person_id).returning(*counting.SIGNATURE_RETURNING)
    ).all()
    petitions = {
        p.id: p
        for p in db.session.scalars(
            select(Petition)
            .options(selectinload(Petition.demands))
            .where(Petition.id.in_({row.petition_id for row in removed}))
        )
    }
    counting.take_out_signatures(removed, petitions)
    signups = people.delete_rows(Signup, person_id, Signup.campaign_id)
    counting.take_out_signups(signups)
    memberships = people.delete_rows(CampaignPerson, person_id, CampaignPerson.campaign_id)
    counting.take_out_people(memberships)
    outreaches = advocacy_integrity.erase_person(person_id)
    # Queued messages about the person go with them (ON DELETE CASCADE).
    db.session.execute(delete(Person).where(Person.id == person_id))
    return {
        "person_id": person_id,
        "signatures": len(removed),
        "signups": len(signups),
        "outreaches": outreaches,
    }


def erase_by_email(email: str) -> dict | None:
    person = find(email)
    if person is None:
        return None
    return erase(person.id)


def unsubscribe(token: str) -> bool:
    """Withdraw the consent of the person the token names; False if the token is invalid."""
    person_id = links.person_from_unsubscribe(token)
    if person_id is None:
        return False
    db.session.execute(update(Person).where(Person.id == person_id).values(consent=False))
    db.session.execute(update(Signup).where(Signup.person_id == person_id).values(consent=False))
    db.session.execute(
        update(Signature).where(Signature.person_id == person_id).values(consent=False)
    )
    return True
