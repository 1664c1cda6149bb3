"""Signers and sign-ups for organizers: keyset pages and streaming CSV.

Both walk the rows in id order from a cursor (``id > after``), on the (petition_id, id) and
(campaign_id, id) indexes: no OFFSET, no total count, so page 10,000 costs what page 1
does. The CSV is the same walk in larger batches of plain rows (never ORM objects, so the
session's identity map stays empty), each batch written and let go before the next is read.
"""

import csv
import io
from collections.abc import Iterator
from datetime import datetime

from sqlalchemy import Select, select

from campaign.extensions import db
from campaign.models import Campaign, Person, Petition, Signature, Signup

CSV_BATCH = 2000
BOM = "\ufeff"
# A spreadsheet runs a cell that starts with one of these as a formula (or after a tab/CR).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

PERSON_COLUMNS = (
    Person.given_name,
    Person.family_name,
    Person.email,
    Person.postal_code,
)
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


def _signatures(petition: Petition, since: datetime | None, status: str | None) -> Select:
    stmt = (
        select(
            Signature.id,
            *PERSON_COLUMNS,
            Signature.country,
            Signature.region,
            Signature.comment,
            Signature.source,
            Signature.referrer,
            Signature.status,
            Signature.created_at,
        )
        .join(Person, Person.id == Signature.person_id)
        .where(Signature.petition_id == petition.id)
        .order_by(Signature.id)
    )
    if since is not None:
        stmt = stmt.where(Signature.created_at >= since)
    if status is not None:
        stmt = stmt.where(Signature.status == status)
    return stmt


def _signups(campaign: Campaign, since: datetime | None) -> Select:
    stmt = (
        select(
            Signup.id,
            *PERSON_COLUMNS,
            Person.country,
            Person.region,
            Signup.consent,
            Signup.source,
            Signup.referrer,
            Signup.created_at,
        )
        .join(Person, Person.id == Signup.person_id)
        .where(Signup.campaign_id == campaign.id)
        .order_by(Signup.id)
    )
    if since is not None:
        stmt = stmt.where(Signup.created_at >= since)
    return stmt


def _page(stmt: Select, id_column, limit: int, starting_after: int | None) -> dict:
    if starting_after is not None:
        stmt = stmt.where(id_column > starting_after)
    # One row more than asked says whether there is a next page, without counting.
    rows = db.session.execute(stmt.limit(limit + 1)).mappings().all()
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
    return _page(_signatures(petition, since, status), Signature.id, limit, starting_after)


def signup_page(
    campaign: Campaign,
    *,
    limit: int,
    starting_after: int | None = None,
    since: datetime | None = None,
) -> dict:
    return _page(_signups(campaign, since), Signup.id, limit, starting_after)


def _batches(stmt: Select, id_column, batch: int) -> Iterator[list]:
    after = None
    while True:
        page = stmt if after is None else stmt.where(id_column > after)
        rows = db.session.execute(page.limit(batch)).all()
        if not rows:
            return
        yield rows
        if len(rows) < batch:
            return
        after = rows[-1][0]


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
        writer.writerows([safe_cell(v) for v in row] for row in rows)
        yield buffer.getvalue().encode("utf-8")


def signatures_csv(
    petition: Petition,
    *,
    since: datetime | None = None,
    status: str | None = None,
    bom: bool = False,
    batch: int = CSV_BATCH,
) -> Iterator[bytes]:
    stmt = _signatures(petition, since, status)
    return _csv(SIGNATURE_HEADER, _batches(stmt, Signature.id, batch), bom)


def signups_csv(
    campaign: Campaign,
    *,
    since: datetime | None = None,
    bom: bool = False,
    batch: int = CSV_BATCH,
) -> Iterator[bytes]:
    stmt = _signups(campaign, since)
    return _csv(SIGNUP_HEADER, _batches(stmt, Signup.id, batch), bom)
