"""Milestones: when a petition's count first reached a round number or its goal.

The write path records a milestone in the signer's transaction as soon as the count it reads
has reached a threshold. The table's primary key (petition_id, threshold) and
``ON CONFLICT DO NOTHING`` make each milestone exactly one row however many signers cross it
at once. Under concurrency the count a signer reads may skip a threshold; then the next
signature records it, and ``backfill`` (run by the bulk loader and ``tallies check --fix``)
sets any missing one from the rows themselves: the time the N-th counted signature was counted.
"""

from datetime import datetime

from flask import current_app
from sqlalchemy import func, select

from campaign.models import Milestone, Petition, Signature
from campaign.models.base import db
from campaign.models.types import utcnow
from campaign.services import dialect

# 10, 25, 50, 100, 250, 500, ... 500 million: the numbers organizers announce.
ROUND_NUMBERS = tuple(int(m * 10**e) for e in range(1, 9) for m in (1, 2.5, 5))


def thresholds(goal: int) -> list[int]:
    """Every threshold a petition with this goal can reach, ascending."""
    values = set(ROUND_NUMBERS)
    if goal and goal > 0:
        values.add(goal)
    return sorted(values)


def reached(goal: int, count: int) -> list[int]:
    return [t for t in thresholds(goal) if t <= count]


def next_threshold(goal: int, count: int) -> int | None:
    return next((t for t in thresholds(goal) if t > count), None)


def _recorded(petition_id: int) -> set[int]:
    query = select(Milestone.threshold).where(Milestone.petition_id == petition_id)
    return set(db.session.scalars(query))


def _write(petition_id: int, times: dict[int, datetime]) -> None:
    if not times:
        return
    rows = [
        {"petition_id": petition_id, "threshold": t, "reached_at": at}
        for t, at in sorted(times.items())
    ]
    stmt = dialect.insert(Milestone).values(rows)
    db.session.execute(stmt.on_conflict_do_nothing(index_elements=["petition_id", "threshold"]))


def _known(petition_id: int) -> set[int]:
    """Thresholds this process has read back as recorded for a petition.

    Milestones are only ever added, so once every threshold a count has reached is known,
    signing needs no look-up.
    """
    return current_app.extensions.setdefault("milestones_recorded", {}).setdefault(
        petition_id, set()
    )


def record(petition: Petition, count: int, at: datetime | None = None) -> None:
    """Record every threshold ``count`` has reached that is not recorded yet; caller commits."""
    due = set(reached(petition.goal, count))
    known = _known(petition.id)
    if due <= known:
        return
    recorded = _recorded(petition.id)
    # Only what was read back is remembered: a write of ours may yet roll back.
    known.update(recorded)
    moment = at or utcnow()
    _write(petition.id, {t: moment for t in due - recorded})


def backfill(petition: Petition) -> list[int]:
    """Record missing milestones from the rows themselves; the thresholds added. Caller commits.

    A threshold N was reached when the N-th counted signature (by counted time) was counted.
    """
    counted = (
        select(
            Signature.counted_at.label("counted_at"),
            func.row_number().over(order_by=(Signature.counted_at, Signature.id)).label("n"),
        )
        .where(Signature.petition_id == petition.id, Signature.status == "counted")
        .subquery()
    )
    total = db.session.scalar(
        select(func.count())
        .select_from(Signature)
        .where(Signature.petition_id == petition.id, Signature.status == "counted")
    )
    missing = sorted(set(reached(petition.goal, total or 0)) - _recorded(petition.id))
    if not missing:
        return []
    rows = db.session.execute(
        select(counted.c.n, counted.c.counted_at).where(counted.c.n.in_(missing))
    )
    _write(petition.id, {int(n): at for n, at in rows})
    return missing


def for_petitions(petition_ids: list[int]) -> list[Milestone]:
    """The recorded milestones of these petitions, in the order they were reached."""
    if not petition_ids:
        return []
    return list(
        db.session.scalars(
            select(Milestone)
            .where(Milestone.petition_id.in_(petition_ids))
            .order_by(Milestone.reached_at, Milestone.threshold)
        )
    )
