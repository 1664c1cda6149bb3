"""Counts kept as data: sharded counter rows bumped in the writer's transaction.

Every count a client sees is the sum of a few counter rows, never a COUNT(*) over
signatures. Writers add +1 or -1 to one shard chosen per transaction, in one upsert
statement whose rows are sorted, so concurrent transactions lock rows in the same order and
cannot deadlock.

The upsert is held back until the transaction commits (a ``before_commit`` hook writes all
of a transaction's deltas in that one statement), so a writer holds its counter rows only
for the commit itself, not for the rest of its work: measured with bench/hot_counter.py,
writers otherwise spent most of their time queued behind a holder that was still busy
between statements. Reads in the same session add the deltas not yet written, so a writer
still sees its own counts.
"""

import random
from collections.abc import Iterable, Mapping
from datetime import datetime

from flask import current_app
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from campaign.models import Counter
from campaign.models.base import db
from campaign.models.types import utcnow
from campaign.services import dialect

TOTAL = "total"
PENDING_DELTAS = "counter_deltas"


def petition_subject(petition_id: int) -> str:
    return f"petition:{petition_id}"


def demand_subject(demand_id: int) -> str:
    return f"demand:{demand_id}"


def campaign_subject(campaign_id: int) -> str:
    return f"campaign:{campaign_id}"


def advocacy_subject(advocacy_id: int) -> str:
    return f"advocacy:{advocacy_id}"


def hour_key(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H")


def shard() -> int:
    """The shard a writer adds to: one at random, so concurrent writers rarely share a row."""
    shards = current_app.config["COUNTER_SHARDS"]
    # SQLite serialises writers anyway; one row per count keeps its reads smallest.
    if db.engine.dialect.name == "sqlite" or shards <= 1:
        return 0
    return random.randrange(shards)  # noqa: S311 - load spreading, not security


def add(keys: Iterable[tuple[str, str, str]], delta: int) -> None:
    """Add ``delta`` to each (subject, dimension, key) count in the current transaction."""
    add_deltas(dict.fromkeys(keys, delta))


def add_deltas(deltas: Mapping[tuple[str, str, str], int]) -> None:
    """Add each (subject, dimension, key) count its own delta when the transaction commits.

    All of a transaction's deltas go in one sorted statement, which keeps the lock order
    global: several statements in one transaction could deadlock against a signer.
    """
    pending = _pending(db.session())
    for key, delta in deltas.items():
        pending[key] = pending.get(key, 0) + delta


def _pending(session) -> dict:
    return session.info.setdefault(PENDING_DELTAS, {})


def _write(session, deltas: Mapping[tuple[str, str, str], int]) -> None:
    items = sorted((key, delta) for key, delta in deltas.items() if delta)
    if not items:
        return
    chosen = shard()
    now = utcnow()
    rows = [
        {"subject": s, "dimension": d, "key": k, "shard": chosen, "count": delta, "updated_at": now}
        for (s, d, k), delta in items
    ]
    # One fixed statement run over the rows (in their sorted order), not a VALUES list of
    # their number: SQLAlchemy compiles a fixed statement once, a VALUES list on every call
    # (measured: most of an outreach post's CPU). The driver sends the rows in one batch.
    table = Counter.__table__
    stmt = dialect.insert(table)
    stmt = stmt.on_conflict_do_update(
        index_elements=["subject", "dimension", "key", "shard"],
        set_={"count": table.c.count + stmt.excluded.count, "updated_at": stmt.excluded.updated_at},
    )
    session.execute(stmt, rows)


@event.listens_for(Session, "before_commit")
def _write_pending(session) -> None:
    deltas = session.info.pop(PENDING_DELTAS, None)
    if deltas:
        _write(session, deltas)


@event.listens_for(Session, "after_transaction_end")
def _forget_pending(session, transaction) -> None:
    # A rollback (or a closed session) takes the transaction's deltas with it.
    if transaction.parent is None:
        session.info.pop(PENDING_DELTAS, None)


def _unwritten(subject: str, dimension: str) -> dict[str, int]:
    """This session's deltas for one subject's dimension that are not written yet, by key."""
    pending = db.session().info.get(PENDING_DELTAS) or {}
    return {k: n for (s, d, k), n in pending.items() if s == subject and d == dimension}


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
    return {s: found.get(s, 0) + _unwritten(s, dimension).get("", 0) for s in subjects}


def total(subject: str, dimension: str = TOTAL) -> int:
    """The count of one subject's ``dimension`` (key "")."""
    return totals([subject], dimension)[subject]


def breakdown(subject: str, dimension: str) -> dict[str, int]:
    """Counts by key for one subject's dimension, zero counts left out."""
    rows = db.session.execute(
        select(Counter.key, func.sum(Counter.count))
        .where(Counter.subject == subject, Counter.dimension == dimension)
        .group_by(Counter.key)
    )
    counts = {key: int(n) for key, n in rows}
    for key, n in _unwritten(subject, dimension).items():
        counts[key] = counts.get(key, 0) + n
    return {key: n for key, n in counts.items() if n}
