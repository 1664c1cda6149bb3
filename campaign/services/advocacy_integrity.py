"""Keeping outreach counts true to the rows: invalidation by organizers, erasure of a
person, and what reconciliation (``flask tallies check``) expects the counters to hold.

Taking an outreach out of the counts takes out exactly the keys ``outreach_keys`` gave it,
from the row's own target, state, ZIP and time; a person stops being a participant when
their last counted outreach in the advocacy campaign goes.
"""

from collections import Counter as Tally
from datetime import UTC

from sqlalchemy import delete, func, select, update

from campaign.models import AdvocacyCampaign, AdvocacyParticipant, Counter, Outreach
from campaign.models.base import db
from campaign.services import advocacy_counts, counters
from campaign.services.errors import NotFound

RETURNED = (
    Outreach.advocacy_campaign_id,
    Outreach.person_id,
    Outreach.target_id,
    Outreach.state,
    Outreach.postal_code,
    Outreach.created_at,
)


def _take_out(removed, deltas: Tally) -> None:
    for row in removed:
        for key in advocacy_counts.outreach_keys(
            row.advocacy_campaign_id, row.target_id, row.state, row.postal_code, row.created_at
        ):
            deltas[key] -= 1


def _drop_participants(pairs: set[tuple[int, int]], deltas: Tally) -> None:
    """Remove participants left with no counted outreach in their advocacy campaign."""
    for advocacy_id, person_id in sorted(pairs):
        still = db.session.scalar(
            select(Outreach.id)
            .where(
                Outreach.advocacy_campaign_id == advocacy_id,
                Outreach.person_id == person_id,
                Outreach.status == "counted",
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
            deltas[(advocacy_counts.subject(advocacy_id), advocacy_counts.PARTICIPANTS, "")] -= 1


def invalidate(advocacy: AdvocacyCampaign, outreach_id: int) -> dict:
    """Take one outreach out of the counts (fraud) and commit; idempotent."""
    exists = db.session.scalar(
        select(Outreach.id).where(
            Outreach.id == outreach_id, Outreach.advocacy_campaign_id == advocacy.id
        )
    )
    if exists is None:
        raise NotFound(f"No outreach {outreach_id} in {advocacy.slug!r}.", slug="not-found")
    removed = db.session.execute(
        update(Outreach)
        .where(Outreach.id == outreach_id, Outreach.status == "counted")
        .values(status="invalidated")
        .returning(*RETURNED)
    ).all()
    deltas: Tally = Tally()
    _take_out(removed, deltas)
    _drop_participants({(r.advocacy_campaign_id, r.person_id) for r in removed}, deltas)
    counters.add_deltas(deltas)
    db.session.commit()
    return {"id": outreach_id, "status": "invalidated", "invalidated": len(removed)}


def erase_person(person_id: int) -> tuple[Tally, int]:
    """Delete the person's outreaches and participations; the counter deltas (the caller
    adds them and commits, with the rest of the erasure) and how many outreaches went."""
    removed = db.session.execute(
        delete(Outreach)
        .where(Outreach.person_id == person_id)
        .returning(*RETURNED, Outreach.status)
    ).all()
    deltas: Tally = Tally()
    _take_out([r for r in removed if r.status == "counted"], deltas)
    participations = db.session.scalars(
        delete(AdvocacyParticipant)
        .where(AdvocacyParticipant.person_id == person_id)
        .returning(AdvocacyParticipant.advocacy_campaign_id)
    ).all()
    for advocacy_id in participations:
        deltas[(advocacy_counts.subject(advocacy_id), advocacy_counts.PARTICIPANTS, "")] -= 1
    return deltas, len(removed)


def _advocacy_ids(campaign_ids: list[int]) -> dict[int, str]:
    return dict(
        db.session.execute(
            select(AdvocacyCampaign.id, AdvocacyCampaign.slug).where(
                AdvocacyCampaign.campaign_id.in_(campaign_ids)
            )
        ).all()
    )


def expected(campaign_ids: list[int]) -> Tally:
    """Every advocacy count these campaigns should hold, recomputed from the rows."""
    ids = list(_advocacy_ids(campaign_ids))
    truth: Tally = Tally()
    groups = db.session.execute(
        select(
            Outreach.advocacy_campaign_id,
            Outreach.target_id,
            Outreach.state,
            Outreach.postal_code,
            Outreach.created_at,
        ).where(Outreach.advocacy_campaign_id.in_(ids), Outreach.status == "counted")
    )
    for advocacy_id, target_id, state, postal_code, created_at in groups:
        at = created_at if created_at.tzinfo else created_at.replace(tzinfo=UTC)
        for key in advocacy_counts.outreach_keys(advocacy_id, target_id, state, postal_code, at):
            truth[key] += 1
    participants = db.session.execute(
        select(AdvocacyParticipant.advocacy_campaign_id, func.count())
        .where(AdvocacyParticipant.advocacy_campaign_id.in_(ids))
        .group_by(AdvocacyParticipant.advocacy_campaign_id)
    )
    for advocacy_id, n in participants:
        truth[(advocacy_counts.subject(advocacy_id), advocacy_counts.PARTICIPANTS, "")] += n
    return truth


def counted(campaign_ids: list[int]) -> Tally:
    """What the counters hold for those advocacy counts."""
    subjects = [advocacy_counts.subject(i) for i in _advocacy_ids(campaign_ids)]
    held: Tally = Tally()
    rows = db.session.execute(
        select(Counter.subject, Counter.dimension, Counter.key, func.sum(Counter.count))
        .where(Counter.subject.in_(subjects), Counter.dimension.in_(advocacy_counts.DIMENSIONS))
        .group_by(Counter.subject, Counter.dimension, Counter.key)
    )
    for subject, dimension, key, n in rows:
        held[(subject, dimension, key)] += int(n or 0)
    return held


def labels(campaign_ids: list[int]) -> dict[str, str]:
    return {
        advocacy_counts.subject(i): f"advocacy campaign {slug}"
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
