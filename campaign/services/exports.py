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

from campaign.models import Campaign, Person, Petition, Signature, Signup
from campaign.models.base import db

CSV_BATCH = 2000
BOM = "\ufeff"
# A spreadsheet runs a cell that starts with one of these as a formula (or after a tab/CR).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Spreadsheets also read the fullwidth forms as operators, and skip invisible characters
# before them, so a cell is judged by its first visible character.
FULLWIDTH_STARTS = ("\uff1d", "\uff0b", "\uff0d", "\uff20")
INVISIBLE = "\u200b\ufeff\u2060\u180e\u200c\u200d\u00ad"

# Who acted: the columns both exports start with.
SIGNER_COLUMNS = ("id", "given_name", "family_name", "email", "postal_code", "country", "region")
SIGNATURE_HEADER = (*SIGNER_COLUMNS, "comment", "source", "referrer", "status", "created_at")
SIGNUP_HEADER = (*SIGNER_COLUMNS, "consent", "source", "referrer", "created_at")
# What is shown from the person rather than the action: the inbox, and consent, which is
# the action's only while the person has not withdrawn it since (one-click unsubscribe).
PERSON_COLUMNS = ("email", "consent")

# A walk: given the last id seen (or None) and a batch size, the next rows as dicts.
Walk = Callable[[int | None, int], list[dict]]


def _walk(table: Table, conditions: list, columns: tuple[str, ...]) -> Walk:
    """Rows of ``table`` with the details typed with each action (its own columns): a public
    write never changes what an earlier action shows."""
    people = Person.__table__
    own = [table.c[name] for name in columns if name != "email"] + [table.c.person_id]

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
                    select(people.c.id, *(people.c[n] for n in PERSON_COLUMNS)).where(
                        people.c.id.in_(ids)
                    )
                ).mappings()
            }
        # A person deleted between the two queries (their rows go with them) shows blank,
        # so that every batch keeps its length and the walk its place.
        blank = {"email": "", "consent": False}
        rows = []
        for row in batch:
            person = found.get(row["person_id"], blank)
            values = {n: row[n] for n in columns if n != "email"}
            values["email"] = person["email"]
            if "consent" in values:
                values["consent"] = bool(values["consent"] and person["consent"])
            rows.append({n: values[n] for n in columns})
        return rows

    return fetch


def _signatures(petition: Petition, since: datetime | None, status: str | None) -> Walk:
    table = Signature.__table__
    conditions = [table.c.petition_id == petition.id]
    if since is not None:
        conditions.append(table.c.created_at >= since)
    if status is not None:
        conditions.append(table.c.status == status)
    return _walk(table, conditions, SIGNATURE_HEADER)


def _signups(campaign: Campaign, since: datetime | None) -> Walk:
    table = Signup.__table__
    conditions = [table.c.campaign_id == campaign.id]
    if since is not None:
        conditions.append(table.c.created_at >= since)
    return _walk(table, conditions, SIGNUP_HEADER)


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
    visible = text.lstrip(INVISIBLE)
    if text.startswith(FORMULA_STARTS) or visible.startswith(FORMULA_STARTS + FULLWIDTH_STARTS):
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
