"""Signers and sign-ups for organizers: keyset pages and streaming CSV.

Both walk the rows in id order from a cursor (``id > after``), on the (petition_id, id) and
(campaign_id, id) indexes: no OFFSET, no total count, so page 10,000 costs what page 1
does. The CSV is the same walk in larger batches of plain rows (never ORM objects, so the
session's identity map stays empty), each batch written and let go before the next is read.
"""

import csv
import io
from collections.abc import Callable, Iterator
from datetime import datetime

from sqlalchemy import Table, select

from campaign.extensions import db
from campaign.models import Campaign, Person, Petition, Signature, Signup

CSV_BATCH = 2000
BOM = "\ufeff"
# A spreadsheet runs a cell that starts with one of these as a formula (or after a tab/CR).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

SIGNATURE_HEADER = (
    "id",
    "given_name",
    "family_name",
    "email",
    "postal_code",
    "country",
    "region",
    "comment",
    "source",
    "referrer",
    "status",
    "created_at",
)
SIGNUP_HEADER = (
    "id",
    "given_name",
    "family_name",
    "email",
    "postal_code",
    "country",
    "region",
    "consent",
    "source",
    "referrer",
    "created_at",
)
NAME_FIELDS = frozenset({"given_name", "family_name", "email", "postal_code"})

# A walk: given the last id seen (or None) and a batch size, the next rows as dicts.
Walk = Callable[[int | None, int], list[dict]]


def _walk(table: Table, conditions: list, columns: tuple[str, ...], from_person) -> Walk:
    people = Person.__table__
    own = [table.c[name] for name in columns if name not in from_person] + [table.c.person_id]
    theirs = [people.c.id] + [people.c[name] for name in columns if name in from_person]

    def fetch(after: int | None, limit: int) -> list[dict]:
        where = list(conditions)
        if after is not None:
            where.append(table.c.id > after)
        stmt = select(*own).where(*where).order_by(table.c.id).limit(limit)
        batch = db.session.execute(stmt).mappings().all()
        # People are fetched by primary key in a second query rather than joined: a join
        # lets PostgreSQL hash the whole people table for each batch, which makes an
        # export quadratic; two index-driven queries keep every batch the same cost.
        ids = sorted({row["person_id"] for row in batch})
        found = {}
        if ids:
            found = {
                person["id"]: person
                for person in db.session.execute(
                    select(*theirs).where(people.c.id.in_(ids))
                ).mappings()
            }
        # A person deleted between the two queries (their rows go with them) shows blank,
        # so that every batch keeps its length and the walk its place.
        blank = dict.fromkeys(from_person, "")
        return [
            {
                n: found.get(row["person_id"], blank)[n] if n in from_person else row[n]
                for n in columns
            }
            for row in batch
        ]

    return fetch


def _signatures(petition: Petition, since: datetime | None, status: str | None) -> Walk:
    table = Signature.__table__
    conditions = [table.c.petition_id == petition.id]
    if since is not None:
        conditions.append(table.c.created_at >= since)
    if status is not None:
        conditions.append(table.c.status == status)
    return _walk(table, conditions, SIGNATURE_HEADER, NAME_FIELDS)


def _signups(campaign: Campaign, since: datetime | None) -> Walk:
    table = Signup.__table__
    conditions = [table.c.campaign_id == campaign.id]
    if since is not None:
        conditions.append(table.c.created_at >= since)
    # A sign-up keeps no address of its own: the person's current one is shown.
    return _walk(table, conditions, SIGNUP_HEADER, NAME_FIELDS | {"country", "region"})


def _page(walk: Walk, limit: int, starting_after: int | None) -> dict:
    # One row more than asked says whether there is a next page, without counting.
    rows = walk(starting_after, limit + 1)
    has_more = len(rows) > limit
    rows = rows[:limit]
    return {
        "data": rows,
        "has_more": has_more,
        "next_cursor": rows[-1]["id"] if has_more else None,
    }


def signature_page(
    petition: Petition,
    *,
    limit: int,
    starting_after: int | None = None,
    since: datetime | None = None,
    status: str | None = None,
) -> dict:
    return _page(_signatures(petition, since, status), limit, starting_after)


def signup_page(
    campaign: Campaign,
    *,
    limit: int,
    starting_after: int | None = None,
    since: datetime | None = None,
) -> dict:
    return _page(_signups(campaign, since), limit, starting_after)


def _batches(walk: Walk, batch: int) -> Iterator[list]:
    after = None
    while True:
        rows = walk(after, batch)
        if not rows:
            return
        yield rows
        if len(rows) < batch:
            return
        after = rows[-1]["id"]


def safe_cell(value) -> str:
    """A cell as text a spreadsheet shows rather than evaluates."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.isoformat()
    text = str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def _csv(header: tuple[str, ...], batches: Iterator[list], bom: bool) -> Iterator[bytes]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    first = (BOM if bom else "") + buffer.getvalue()
    yield first.encode("utf-8")
    for rows in batches:
        buffer.seek(0)
        buffer.truncate()
        writer.writerows([safe_cell(row[name]) for name in header] for row in rows)
        yield buffer.getvalue().encode("utf-8")


def signatures_csv(
    petition: Petition,
    *,
    since: datetime | None = None,
    status: str | None = None,
    bom: bool = False,
    batch: int = CSV_BATCH,
) -> Iterator[bytes]:
    walk = _signatures(petition, since, status)
    return _csv(SIGNATURE_HEADER, _batches(walk, batch), bom)


def signups_csv(
    campaign: Campaign,
    *,
    since: datetime | None = None,
    bom: bool = False,
    batch: int = CSV_BATCH,
) -> Iterator[bytes]:
    walk = _signups(campaign, since)
    return _csv(SIGNUP_HEADER, _batches(walk, batch), bom)
