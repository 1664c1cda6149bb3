"""Reconciliation: recompute every count from the rows, report drift, and repair it.

The rows are the truth; counters are a cache of them kept in the writers' transactions. This
recomputes each count the counters hold (petition and demand totals; per campaign the
signatures, sign-ups, people, and counts by country, region, source and hour) and compares.

What a counted signature stands in is defined once, in ``counting.signature_keys``; it is
applied here to each group of signatures that share a petition, country, region, source and
hour, so the check costs one grouped query rather than one call per row.

Rows and counters are read in one snapshot (REPEATABLE READ on PostgreSQL; a SQLite
transaction is one already), so signatures committed meanwhile are in both or neither. A
repair adds the difference to the counters rather than overwriting them, which keeps the
counts of writes that commit during the repair. Two repairs at once would both add the same
difference, so a check-and-repair holds a PostgreSQL advisory lock (``exclusive``) from the
check to the commit, which is the caller's (``flask tallies check --fix``); on SQLite, run
one at a time.
"""

from collections import Counter as Counts
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import func, select, text
from sqlalchemy.orm import selectinload

from campaign.models import Campaign, CampaignPerson, Counter, Petition, Signature, Signup
from campaign.models.base import db
from campaign.services import advocacy_integrity, counters, counting, milestones


@dataclass(frozen=True)
class Drift:
    subject: str
    dimension: str
    key: str
    counted: int  # what the counters say
    actual: int  # what the rows say

    @property
    def delta(self) -> int:
        return self.actual - self.counted


@dataclass
class Report:
    checked: int = 0
    drifts: list[Drift] = field(default_factory=list)
    missing_milestones: dict[str, list[int]] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)

    @property
    def clean(self) -> bool:
        return not self.drifts and not self.missing_milestones


def _campaigns(slugs: list[str] | None) -> list[Campaign]:
    query = select(Campaign).options(
        selectinload(Campaign.demands),
        selectinload(Campaign.petitions).selectinload(Petition.demands),
    )
    if slugs:
        query = query.where(Campaign.slug.in_(slugs))
    return list(db.session.scalars(query.order_by(Campaign.id)))


def _hour_bucket():
    """SQL for the ``YYYY-MM-DDTHH`` (UTC) key of a signature's counted time."""
    moment = func.coalesce(Signature.counted_at, Signature.created_at)
    if db.engine.dialect.name == "postgresql":
        return func.to_char(func.timezone("UTC", moment), 'YYYY-MM-DD"T"HH24')
    # SQLite holds naive UTC text (see models.types.UTCDateTime).
    return func.strftime("%Y-%m-%dT%H", moment)


def _expected(campaigns: list[Campaign]) -> Counts:
    petitions = {p.id: p for c in campaigns for p in c.petitions}
    campaign_ids = [c.id for c in campaigns]
    expected: Counts = Counts()
    hour = _hour_bucket().label("hour")
    groups = db.session.execute(
        select(
            Signature.petition_id,
            Signature.country,
            Signature.region,
            Signature.source,
            hour,
            func.count(),
        )
        .where(Signature.status == counting.COUNTED, Signature.petition_id.in_(list(petitions)))
        .group_by(
            Signature.petition_id, Signature.country, Signature.region, Signature.source, hour
        )
    )
    for petition_id, country, region, source, bucket, n in groups:
        example = Signature(
            country=country,
            region=region,
            source=source,
            counted_at=datetime.strptime(bucket, "%Y-%m-%dT%H").replace(tzinfo=UTC),
        )
        for key in counting.signature_keys(petitions[petition_id], example):
            expected[key] += n
    for model, dimension in ((Signup, counting.SIGNUPS), (CampaignPerson, counting.PEOPLE)):
        rows = db.session.execute(
            select(model.campaign_id, func.count())
            .where(model.campaign_id.in_(campaign_ids))
            .group_by(model.campaign_id)
        )
        for campaign_id, n in rows:
            expected[(counters.campaign_subject(campaign_id), dimension, "")] += n
    return expected


def _counted(campaigns: list[Campaign]) -> Counts:
    """What the counters hold for every count this module knows how to recompute."""
    families = [
        (counters.petition_subject(p.id), (counters.TOTAL,)) for c in campaigns for p in c.petitions
    ]
    families += [
        (counters.demand_subject(d.id), (counters.TOTAL,)) for c in campaigns for d in c.demands
    ]
    families += [(counters.campaign_subject(c.id), counting.CAMPAIGN_DIMENSIONS) for c in campaigns]
    counted: Counts = Counts()
    for dimensions in {dims for _, dims in families}:
        subjects = [subject for subject, dims in families if dims == dimensions]
        rows = db.session.execute(
            select(Counter.subject, Counter.dimension, Counter.key, func.sum(Counter.count))
            .where(Counter.subject.in_(subjects), Counter.dimension.in_(dimensions))
            .group_by(Counter.subject, Counter.dimension, Counter.key)
        )
        for subject, dimension, key, n in rows:
            counted[(subject, dimension, key)] += int(n or 0)
    return counted


def _labels(campaigns: list[Campaign]) -> dict[str, str]:
    labels = {}
    for campaign in campaigns:
        labels[counters.campaign_subject(campaign.id)] = f"campaign {campaign.slug}"
        labels.update(
            {counters.petition_subject(p.id): f"petition {p.slug}" for p in campaign.petitions}
        )
        labels.update({counters.demand_subject(d.id): f"demand {d.slug}" for d in campaign.demands})
    return labels


def _snapshot() -> None:
    """Start a transaction whose reads all see one moment."""
    db.session.rollback()
    if db.engine.dialect.name == "postgresql":
        db.session.connection(execution_options={"isolation_level": "REPEATABLE READ"})


def check(slugs: list[str] | None = None) -> Report:
    """Compare every counter of these campaigns (default: all) with their rows."""
    _snapshot()
    campaigns = _campaigns(slugs)
    ids = [c.id for c in campaigns]
    expected = _expected(campaigns)
    expected.update(advocacy_integrity.expected(ids))
    counted = _counted(campaigns)
    counted.update(advocacy_integrity.counted(ids))
    report = Report(labels=_labels(campaigns) | advocacy_integrity.labels(ids))
    for key in sorted(set(expected) | set(counted)):
        report.checked += 1
        if expected[key] != counted[key]:
            report.drifts.append(Drift(*key, counted=counted[key], actual=expected[key]))
    for petition in (p for c in campaigns for p in c.petitions):
        total = expected[(counters.petition_subject(petition.id), counters.TOTAL, "")]
        recorded = {m.threshold for m in milestones.for_petitions([petition.id])}
        missing = sorted(set(milestones.reached(petition.goal, total)) - recorded)
        if missing:
            report.missing_milestones[petition.slug] = missing
    db.session.rollback()
    return report


def fix(report: Report) -> None:
    """Write the corrective counter rows and missing milestones a report found; the caller
    commits before it lets go of ``exclusive``."""
    by_delta: dict[int, list] = {}
    for drift in report.drifts:
        by_delta.setdefault(drift.delta, []).append((drift.subject, drift.dimension, drift.key))
    for delta, keys in sorted(by_delta.items()):
        counters.add(keys, delta)
    if report.missing_milestones:
        petitions = db.session.scalars(
            select(Petition).where(Petition.slug.in_(list(report.missing_milestones)))
        )
        for petition in petitions:
            milestones.backfill(petition)


# Any fixed number, the same in every process: the key of the repair lock.
REPAIR_LOCK_KEY = 0x7A11E5


@contextmanager
def exclusive() -> Iterator[None]:
    """Hold the repair lock (PostgreSQL) on a connection of its own until the block ends.

    The lock belongs to the connection, not to a transaction, so the connection runs in
    autocommit and never holds one open.
    """
    if db.engine.dialect.name != "postgresql":
        yield
        return
    with db.engine.execution_options(isolation_level="AUTOCOMMIT").connect() as conn:
        conn.execute(text("SELECT pg_advisory_lock(:key)"), {"key": REPAIR_LOCK_KEY})
        try:
            yield
        finally:
            conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": REPAIR_LOCK_KEY})
