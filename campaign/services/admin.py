"""What organizers change: campaigns, petitions, prisoners, and invalidating signatures.

Organizers see every campaign and petition, drafts and closed ones included. Nothing here
commits: the request does, once the view has answered. An edit is flushed, so that the row
it returns carries ``updated_at`` as it will be stored.

Invalidation keeps every count exact. The rows change with ``UPDATE ... WHERE status =
'counted' RETURNING``, so of two concurrent invalidations of one signature only one gets the
row back and decrements; the counts each returned row stood in are taken down in the same
transaction, in one sorted counter statement. A person leaves the campaign's
``people_count`` when their last counted signature and sign-up there are gone: their
``campaign_people`` row is locked first, so a concurrent signature by the same person (which
locks the same row, see people.join_campaign) is seen or waits.
"""

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import selectinload

from campaign.models import (
    Campaign,
    CampaignPerson,
    Person,
    Petition,
    Prisoner,
    Signature,
    Signup,
)
from campaign.models.base import db
from campaign.services import catalog, counters, counting, people
from campaign.services.errors import Invalid, NotFound

# Bound parameter lists stay well under SQLite's limit.
CHUNK = 500


def find_campaign(slug: str) -> Campaign:
    campaign = db.session.scalar(
        select(Campaign)
        .options(
            selectinload(Campaign.petitions).selectinload(Petition.demands),
            selectinload(Campaign.prisoners),
        )
        .where(Campaign.slug == slug)
    )
    if campaign is None:
        raise NotFound(f"No campaign has the slug {slug!r}.", slug="not-found")
    return campaign


def _petition_count(petition: Petition) -> int:
    return counters.total(counters.petition_subject(petition.id))


def _attach_counts(campaign: Campaign) -> Campaign:
    subjects = {counters.petition_subject(p.id): p for p in campaign.petitions}
    for subject, count in counters.totals(subjects).items():
        subjects[subject].signature_count = count
    subject = counters.campaign_subject(campaign.id)
    campaign.signature_count = counters.total(subject, counting.SIGNATURES)
    campaign.signup_count = counters.total(subject, counting.SIGNUPS)
    return campaign


def _apply(row, changes: dict) -> None:
    for field, value in changes.items():
        setattr(row, field, value)


def edit_campaign(slug: str, changes: dict) -> Campaign:
    campaign = find_campaign(slug)
    _apply(campaign, changes)
    db.session.flush()
    return _attach_counts(campaign)


def edit_petition(slug: str, changes: dict) -> Petition:
    petition = catalog.find_petition(slug, drafts=True)
    _apply(petition, changes)
    db.session.flush()
    petition.signature_count = _petition_count(petition)
    return petition


def set_prisoner_status(campaign_slug: str, prisoner_slug: str, status: str) -> Prisoner:
    prisoner = db.session.scalar(
        select(Prisoner)
        .join(Prisoner.campaign)
        .where(Campaign.slug == campaign_slug, Prisoner.slug == prisoner_slug)
    )
    if prisoner is None:
        raise NotFound(
            f"The campaign {campaign_slug!r} names no prisoner {prisoner_slug!r}.",
            slug="not-found",
        )
    prisoner.status = status
    db.session.flush()
    return prisoner


def _chunks(values: list, size: int = CHUNK) -> Iterable[list]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _leave_campaign(campaign_id: int, person_ids: set[int]) -> int:
    """Remove from the campaign those of ``person_ids`` with nothing counted left there.

    How many were removed, which is what the campaign's people count goes down by.
    """
    removed = 0
    for chunk in _chunks(sorted(person_ids)):
        # Lock in id order first (a no-op on SQLite, whose writers are serialised anyway).
        members = db.session.scalars(
            select(CampaignPerson.person_id)
            .where(CampaignPerson.campaign_id == campaign_id, CampaignPerson.person_id.in_(chunk))
            .order_by(CampaignPerson.person_id)
            .with_for_update()
        ).all()
        if not members:
            continue
        signed = select(Signature.person_id).join(Petition, Petition.id == Signature.petition_id)
        signed = signed.where(
            Petition.campaign_id == campaign_id,
            Signature.status == counting.COUNTED,
            Signature.person_id.in_(members),
        )
        joined = select(Signup.person_id).where(
            Signup.campaign_id == campaign_id, Signup.person_id.in_(members)
        )
        staying = set(db.session.scalars(signed.union(joined)))
        leaving = [p for p in members if p not in staying]
        if leaving:
            db.session.execute(
                delete(CampaignPerson).where(
                    CampaignPerson.campaign_id == campaign_id,
                    CampaignPerson.person_id.in_(leaving),
                )
            )
            removed += len(leaving)
    return removed


def _invalidate(petition: Petition, conditions: list) -> int:
    """Invalidate the counted signatures of ``petition`` matching ``conditions``; how many."""
    table = Signature.__table__
    # Rows are locked in id order, so two bulk invalidations cannot deadlock each other.
    matching = (
        select(table.c.id)
        .where(table.c.petition_id == petition.id, table.c.status == counting.COUNTED, *conditions)
        .order_by(table.c.id)
        .with_for_update()
    )
    returned = db.session.execute(
        update(table)
        .where(table.c.id.in_(matching), table.c.status == counting.COUNTED)
        .values(status=counting.INVALIDATED)
        .returning(*counting.SIGNATURE_RETURNING)
    ).all()
    # RETURNING gives the new status; every row was counted before.
    counting.take_out_signatures(returned, {petition.id: petition}, was=counting.COUNTED)
    if returned:
        left = _leave_campaign(petition.campaign_id, {row.person_id for row in returned})
        counting.take_out_people([petition.campaign_id] * left)
    return len(returned)


def invalidate_signature(petition_slug: str, signature_id: int) -> dict:
    petition = catalog.find_petition(petition_slug, drafts=True)
    exists = db.session.scalar(
        select(Signature.id).where(
            Signature.id == signature_id, Signature.petition_id == petition.id
        )
    )
    if exists is None:
        raise NotFound(
            f"The petition {petition_slug!r} has no signature {signature_id}.",
            slug="not-found",
        )
    # Already invalidated answers 0: asking twice is harmless.
    invalidated = _invalidate(petition, [Signature.__table__.c.id == signature_id])
    return {"invalidated": invalidated, "signature_count": _petition_count(petition)}


def _domain(value: str) -> str:
    # Canonical emails are case-folded and map googlemail.com to gmail.com; so must the filter.
    return people.canonical_email("x@" + value.strip().lstrip("@")).partition("@")[2]


def invalidate_matching(
    petition_slug: str,
    *,
    email_domain: str | None = None,
    source: str | None = None,
    created_after: datetime | None = None,
    created_before: datetime | None = None,
    dry_run: bool = False,
) -> dict:
    """Invalidate the petition's counted signatures matching every filter given; with
    ``dry_run`` only count them (the dashboard's preview)."""
    petition = catalog.find_petition(petition_slug, drafts=True)
    columns = Signature.__table__.c
    conditions = []
    if email_domain:
        at_domain = select(Person.id).where(
            Person.email_canonical.endswith("@" + _domain(email_domain), autoescape=True)
        )
        conditions.append(columns.person_id.in_(at_domain))
    if source is not None:
        conditions.append(columns.source == source)
    if created_after is not None:
        conditions.append(columns.created_at >= created_after)
    if created_before is not None:
        conditions.append(columns.created_at < created_before)
    if not conditions:
        raise Invalid("Give at least one filter.", slug="validation")
    if dry_run:
        matching = db.session.scalar(
            select(func.count())
            .select_from(Signature.__table__)
            .where(
                columns.petition_id == petition.id, columns.status == counting.COUNTED, *conditions
            )
        )
        return {
            "invalidated": 0,
            "matching": matching,
            "signature_count": _petition_count(petition),
        }
    invalidated = _invalidate(petition, conditions)
    return {"invalidated": invalidated, "signature_count": _petition_count(petition)}
