"""Tallies as the public reads them, built from counter rows and never from COUNT(*).

``petition_tally`` is the most-read thing the service has (pages poll it to watch the count
go up), so it is one indexed query: the petition by its unique slug, joined to its few
counter shards by primary key. ``campaign_tallies`` gathers the breakdowns an organizer's
dashboard shows; every figure in it is an aggregate, none names or locates one person.
"""

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import String, and_, bindparam, cast, func, literal, or_, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import selectinload

from campaign.models import Campaign, Counter, Petition
from campaign.models.base import db
from campaign.services import counters, counting, dialect, milestones
from campaign.services.errors import NotFound
from campaign.services.published import PUBLIC_STATUSES

INTERVALS = {"hour": timedelta(hours=1), "day": timedelta(days=1)}
# Zero-filled buckets at most (over a year of hours); longer series list only non-zero ones.
SERIES_FILL_LIMIT = 10_000
# Public breakdowns: the key small buckets are folded under, and at most this many regions
# (free text, so a long tail of one-person spellings would otherwise be listed).
OTHER = "other"
MAX_PUBLIC_REGIONS = 50


@dataclass(frozen=True)
class Tally:
    signature_count: int
    goal: int
    updated_at: datetime

    @property
    def percent(self) -> float | None:
        if not self.goal:
            return None
        return round(100 * self.signature_count / self.goal, 1)

    @property
    def next_milestone(self) -> int | None:
        return milestones.next_threshold(self.goal, self.signature_count)

    @property
    def etag(self) -> str:
        """Changes whenever any field of the body does (count, goal or time)."""
        raw = f"{self.signature_count}:{self.goal}:{self.updated_at.isoformat()}"
        return hashlib.blake2b(raw.encode(), digest_size=12).hexdigest()


def _published(column):
    # Plain comparisons rather than IN: no list parameter to expand on every execution.
    return or_(*(column == status for status in PUBLIC_STATUSES))


# Built once: the statement is the same for every petition, the slug is its one parameter.
# The same "petition:<id>" subject counters.petition_subject builds, as SQL.
TALLY_QUERY = (
    select(
        Petition.goal,
        Petition.updated_at,
        func.coalesce(func.sum(Counter.count), 0),
        func.max(Counter.updated_at),
    )
    .join(Campaign, Campaign.id == Petition.campaign_id)
    .outerjoin(
        Counter,
        and_(
            Counter.subject == literal("petition:") + cast(Petition.id, String),
            Counter.dimension == counters.TOTAL,
            Counter.key == "",
        ),
    )
    .where(
        Petition.slug == bindparam("slug"),
        _published(Petition.status),
        _published(Campaign.status),
    )
    .group_by(Petition.id, Petition.goal, Petition.updated_at)
)


def petition_tally(slug: str) -> Tally:
    """The public counter of one published petition, or 404."""
    if not db.session().in_transaction() and db.engine.dialect.name == "postgresql":
        # One statement needs no transaction: autocommit saves the BEGIN and ROLLBACK round
        # trips on the hottest read.
        _autocommit()
    # Core, not the ORM: the row is four plain values.
    row = db.session.connection().execute(TALLY_QUERY, {"slug": slug}).first()
    if row is None:
        raise NotFound(f"No petition is published under the slug {slug!r}.", slug="not-found")
    goal, petition_updated, count, counted_updated = row
    updated_at = max(filter(None, (petition_updated, counted_updated)))
    return Tally(signature_count=int(count), goal=goal, updated_at=updated_at)


def _autocommit() -> None:
    try:
        with dialect.autocommit_errors():
            db.session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
    except OperationalError:
        db.session.rollback()  # release the dropped connection
        raise


def cache_control(config) -> str:
    max_age = config["TALLY_MAX_AGE"]
    stale = config["TALLY_STALE_WHILE_REVALIDATE"]
    if stale is None:
        stale = max(30, 6 * max_age)
    return f"public, max-age={max_age}, stale-while-revalidate={stale}"


def _public_campaign(slug: str) -> Campaign:
    campaign = db.session.scalar(
        select(Campaign)
        .options(
            selectinload(Campaign.demands),
            selectinload(Campaign.petitions).selectinload(Petition.demands),
        )
        .where(Campaign.slug == slug, Campaign.status.in_(PUBLIC_STATUSES))
    )
    if campaign is None:
        raise NotFound(f"No campaign is published under the slug {slug!r}.", slug="not-found")
    return campaign


def ranked(
    counts: dict[str, int], name: str, min_bucket: int = 0, max_buckets: int | None = None
) -> list[dict]:
    """Buckets largest first. Those under ``min_bucket``, and any past ``max_buckets``, are
    added up into one ``other`` row (last), so no bucket names or locates a few people."""
    ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    shown = [(key, n) for key, n in ordered if n >= min_bucket and key != OTHER]
    if max_buckets is not None:
        shown = shown[:max_buckets]
    other = sum(n for _, n in ordered) - sum(n for _, n in shown)
    rows = [{name: key, "count": n} for key, n in shown]
    if other:
        rows.append({name: OTHER, "count": other})
    return rows


def _bucket(start: datetime, interval: str) -> datetime:
    if interval == "day":
        return start.replace(hour=0, minute=0, second=0, microsecond=0)
    return start.replace(minute=0, second=0, microsecond=0)


def series(
    hours: dict[str, int],
    interval: str = "hour",
    since: datetime | None = None,
    until: datetime | None = None,
) -> list[dict]:
    """Counts per hour or day bucket that overlaps [since, until), gaps filled with zeros
    unless that would take more than SERIES_FILL_LIMIT buckets.

    ``hours`` maps hour keys (``YYYY-MM-DDTHH``, UTC) to counts; day buckets add them up.
    """
    step = INTERVALS[interval]
    buckets: dict[datetime, int] = {}
    for key, n in hours.items():
        start = _bucket(datetime.strptime(key, "%Y-%m-%dT%H").replace(tzinfo=UTC), interval)
        if since is not None and start + step <= since:
            continue
        if until is not None and start >= until:
            continue
        buckets[start] = buckets.get(start, 0) + n
    buckets = {start: n for start, n in buckets.items() if n}
    if not buckets:
        return []
    start, last = min(buckets), max(buckets)
    if (last - start) // step >= SERIES_FILL_LIMIT:
        # One far-off signing time (a paper form's typo) must not make a public read
        # build millions of empty buckets: past the limit only the counted ones are sent.
        return [{"start": moment, "count": buckets[moment]} for moment in sorted(buckets)]
    points = []
    while start <= last:
        points.append({"start": start, "count": buckets.get(start, 0)})
        start += step
    return points


def campaign_tallies(
    slug: str,
    interval: str = "day",
    since: datetime | None = None,
    until: datetime | None = None,
    *,
    min_bucket: int = 0,
    max_regions: int | None = None,
) -> dict:
    """Every aggregate count of one published campaign. The public read passes
    ``min_bucket`` and ``max_regions``; an organizer's read sees every bucket."""
    campaign = _public_campaign(slug)
    petitions = campaign.public_petitions
    petition_counts = counters.totals(counters.petition_subject(p.id) for p in petitions)
    demand_counts = counters.totals(counters.demand_subject(d.id) for d in campaign.demands)
    subject = counters.campaign_subject(campaign.id)
    slugs = {p.id: p.slug for p in petitions}
    return {
        "signature_count": counters.total(subject, counting.SIGNATURES),
        "petitions": [
            {"slug": p.slug, "signature_count": petition_counts[counters.petition_subject(p.id)]}
            for p in petitions
        ],
        "demands": [
            {"slug": d.slug, "signature_count": demand_counts[counters.demand_subject(d.id)]}
            for d in campaign.demands
        ],
        "signup_count": counters.total(subject, counting.SIGNUPS),
        "people_count": counters.total(subject, counting.PEOPLE),
        "by_country": ranked(counters.breakdown(subject, "country"), "code", min_bucket),
        "by_region": ranked(counters.breakdown(subject, "region"), "code", min_bucket, max_regions),
        "by_source": ranked(counters.breakdown(subject, "source"), "source", min_bucket),
        "interval": interval,
        "series": series(counters.breakdown(subject, "hour"), interval, since, until),
        "milestones": [
            {"petition": slugs[m.petition_id], "threshold": m.threshold, "reached_at": m.reached_at}
            for m in milestones.for_petitions(list(slugs))
        ],
    }
