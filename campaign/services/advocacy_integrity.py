"""Keeping outreach counts true to the rows: invalidation by organizers, erasure of a
person, and what reconciliation (``flask tallies check``) expects the counters to hold.

Taking an outreach out of the counts takes out exactly the keys ``counting.outreach_keys``
gave it, from the row's own target, state, ZIP and time; a person stops being a participant
when their last counted outreach in the advocacy campaign goes.
"""

from collections import Counter as Counts
from datetime import UTC

from sqlalchemy import delete, func, select, update

from campaign.models import AdvocacyCampaign, AdvocacyParticipant, Counter, Outreach
from campaign.models.base import db
from campaign.services import counters, counting, people
from campaign.services.errors import NotFound


def _drop_participants(pairs: set[tuple[int, int]]) -> None:
    """Remove participants left with no counted outreach in their advocacy campaign."""
    for advocacy_id, person_id in sorted(pairs):
        still = db.session.scalar(
            select(Outreach.id)
            .where(
                Outreach.advocacy_campaign_id == advocacy_id,
                Outreach.person_id == person_id,
                Outreach.status == counting.COUNTED,
            )
            .limit(1)
        )
        if still is not None:
            continue
        gone = db.session.execute(
            delete(AdvocacyParticipant)
            .where(
                AdvocacyParticipant.advocacy_campaign_id == advocacy_id,
                AdvocacyParticipant.person_id == person_id,
            )
            .returning(AdvocacyParticipant.person_id)
        ).first()
        if gone is not None:
            counting.take_out_participants([advocacy_id])


def invalidate(advocacy: AdvocacyCampaign, outreach_id: int) -> dict:
    """Take one outreach out of the counts (fraud); idempotent."""
    exists = db.session.scalar(
        select(Outreach.id).where(
            Outreach.id == outreach_id, Outreach.advocacy_campaign_id == advocacy.id
        )
    )
    if exists is None:
        raise NotFound(f"No outreach {outreach_id} in {advocacy.slug!r}.", slug="not-found")
    removed = db.session.execute(
        update(Outreach)
        .where(Outreach.id == outreach_id, Outreach.status == counting.COUNTED)
        .values(status=counting.INVALIDATED)
        .returning(*counting.OUTREACH_RETURNING)
    ).all()
    # RETURNING gives the new status; the row was counted before.
    counting.take_out_outreaches(removed, was=counting.COUNTED)
    _drop_participants({(r.advocacy_campaign_id, r.person_id) for r in removed})
    return {"id": outreach_id, "status": "invalidated", "invalidated": len(removed)}


def erase_person(person_id: int) -> int:
    """Delete the person's outreaches and participations and take them out of the counts
    (the caller commits, with the rest of the erasure); how many outreaches went."""
    removed = db.session.execute(
        delete(Outreach)
        .where(Outreach.person_id == person_id)
        .returning(*counting.OUTREACH_RETURNING)
    ).all()
    counting.take_out_outreaches(removed)
    participations = people.delete_rows(
        AdvocacyParticipant, person_id, AdvocacyParticipant.advocacy_campaign_id
    )
    counting.take_out_participants(participations)
    return len(removed)


def _advocacy_ids(campaign_ids: list[int]) -> dict[int, str]:
    return dict(
        db.session.execute(
            select(AdvocacyCampaign.id, AdvocacyCampaign.slug).where(
                AdvocacyCampaign.campaign_id.in_(campaign_ids)
            )
        ).all()
    )


def expected(campaign_ids: list[int]) -> Counts:
    """Every advocacy count these campaigns should hold, recomputed from the rows."""
    ids = list(_advocacy_ids(campaign_ids))
    truth: Counts = Counts()
    groups = db.session.execute(
        select(
            Outreach.advocacy_campaign_id,
            Outreach.target_id,
            Outreach.state,
            Outreach.postal_code,
            Outreach.created_at,
        ).where(Outreach.advocacy_campaign_id.in_(ids), Outreach.status == counting.COUNTED)
    )
    for advocacy_id, target_id, state, postal_code, created_at in groups:
        at = created_at if created_at.tzinfo else created_at.replace(tzinfo=UTC)
        for key in counting.outreach_keys(advocacy_id, target_id, state, postal_code, at):
            truth[key] += 1
    participants = db.session.execute(
        select(AdvocacyParticipant.advocacy_campaign_id, func.count())
        .where(AdvocacyParticipant.advocacy_campaign_id.in_(ids))
        .group_by(AdvocacyParticipant.advocacy_campaign_id)
    )
    for advocacy_id, n in participants:
        truth[counting.participants_key(advocacy_id)] += n
    return truth


def counted(campaign_ids: list[int]) -> Counts:
    """What the counters hold for those advocacy counts."""
    subjects = [counters.advocacy_subject(i) for i in _advocacy_ids(campaign_ids)]
    held: Counts = Counts()
    rows = db.session.execute(
        select(Counter.subject, Counter.dimension, Counter.key, func.sum(Counter.count))
        .where(Counter.subject.in_(subjects), Counter.dimension.in_(counting.ADVOCACY_DIMENSIONS))
        .group_by(Counter.subject, Counter.dimension, Counter.key)
    )
    for subject, dimension, key, n in rows:
        held[(subject, dimension, key)] += int(n or 0)
    return held


def labels(campaign_ids: list[int]) -> dict[str, str]:
    return {
        counters.advocacy_subject(i): f"advocacy campaign {slug}"
        for i, slug in _advocacy_ids(campaign_ids).items()
    }


EXPORTED = (
    "id",
    "status",
    "target_id",
    "target_name",
    "given_name",
    "family_name",
    "postal_code",
    "country",
    "region",
    "consent",
    "subject",
    "message",
    "outcome",
    "duration",
    "source",
    "referrer",
    "ip_hash",
)


def export_person(person_id: int) -> list[dict]:
    """The person's outreaches as kept, for their data export."""
    found = db.session.execute(
        select(Outreach, AdvocacyCampaign.slug)
        .join(AdvocacyCampaign, AdvocacyCampaign.id == Outreach.advocacy_campaign_id)
        .where(Outreach.person_id == person_id)
        .order_by(Outreach.id)
    ).all()
    return [
        {"advocacy_campaign": slug, **{f: getattr(o, f) for f in EXPORTED}}
        | {"created_at": o.created_at.isoformat()}
        for o, slug in found
    ]
