"""Counts kept as data: sharded counter rows bumped in the writer's transaction.

Every count a client sees is the sum of a few counter rows, never a COUNT(*) over
signatures. Writers add +1 or -1 to one shard chosen per transaction, in one upsert
statement whose rows are sorted, so concurrent transactions lock rows in the same order and
cannot deadlock.
"""

import random
from collections.abc import Iterable, Mapping
from datetime import datetime

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from campaign.extensions import db
from campaign.models import Counter
from campaign.models.types import utcnow

TOTAL = "total"


def petition_subject(petition_id: int) -> str:
    return f"petition:{petition_id}"


def demand_subject(demand_id: int) -> str:
    return f"demand:{demand_id}"


def campaign_subject(campaign_id: int) -> str:
    return f"campaign:{campaign_id}"


def hour_key(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H")


def _shard() -> int:
    shards = current_app.config["COUNTER_SHARDS"]
    # SQLite serialises writers anyway; one row per count keeps its reads smallest.
    if db.engine.dialect.name == "sqlite" or shards <= 1:
        return 0
    return random.randrange(shards)  # noqa: S311 - load spreading, not security


def add(keys: Iterable[tuple[str, str, str]], delta: int) -> None:
    """Add ``delta`` to each (subject, dimension, key) count in the current transaction."""
    add_deltas(dict.fromkeys(keys, delta))


def add_deltas(deltas: Mapping[tuple[str, str, str], int]) -> None:
    """Add each (subject, dimension, key) count its own delta, in one sorted statement.

    One statement for a whole batch (say, a bulk invalidation) keeps the lock order global,
    where several add() calls in one transaction could deadlock against a signer.
    """
    items = sorted((key, delta) for key, delta in deltas.items() if delta)
    if not items:
        return
    shard = _shard()
    now = utcnow()
    rows = [
        {"subject": s, "dimension": d, "key": k, "shard": shard, "count": delta, "updated_at": now}
        for (s, d, k), delta in items
    ]
    insert = pg_insert if db.engine.dialect.name == "postgresql" else sqlite_insert
    stmt = insert(Counter).values(rows)
    stmt = stmt.on_conflict_do_update(
        index_elements=["subject", "dimension", "key", "shard"],
        set_={"count": Counter.count + stmt.excluded.count, "updated_at": stmt.excluded.updated_at},
    )
    db.session.execute(stmt)


def totals(subjects: Iterable[str], dimension: str = TOTAL) -> dict[str, int]:
    """The count of ``dimension`` (key "") for each subject; missing subjects count 0."""
    subjects = list(subjects)
    if not subjects:
        return {}
    rows = db.session.execute(
        select(Counter.subject, func.sum(Counter.count))
        .where(Counter.subject.in_(subjects), Counter.dimension == dimension, Counter.key == "")
        .group_by(Counter.subject)
    )
    found = {subject: int(total or 0) for subject, total in rows}
    return {subject: found.get(subject, 0) for subject in subjects}


def total(subject: str, dimension: str = TOTAL) -> tuple[int, datetime | None]:
    """One count and when it last changed."""
    count, updated_at = db.session.execute(
        select(func.sum(Counter.count), func.max(Counter.updated_at)).where(
            Counter.subject == subject, Counter.dimension == dimension, Counter.key == ""
        )
    ).one()
    return int(count or 0), updated_at


def breakdown(subject: str, dimension: str) -> dict[str, int]:
    """Counts by key for one subject's dimension, zero counts left out."""
    rows = db.session.execute(
        select(Counter.key, func.sum(Counter.count))
        .where(Counter.subject == subject, Counter.dimension == dimension)
        .group_by(Counter.key)
    )
    return {key: int(n) for key, n in rows if n}
