"""OSDI list queries: the OData-style ``filter`` on dates, and page/per_page pagination.

Only what OSDI clients send for incremental syncs is understood: ``modified_date`` and
``created_date`` compared with ``gt``, ``lt`` or ``eq`` against a quoted ISO 8601 date or
time, clauses joined by ``and``. A date alone stands for its midnight UTC, except that
``eq`` with a date alone matches the whole day (and with a time, the whole second, the
precision OSDI timestamps are written with). Anything else is a 400, never a silent
unfiltered list.
"""

import math
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import Select, func, select

from campaign.models.base import db
from campaign.services.errors import Malformed

MAX_PER_PAGE = 25
FIELDS = ("modified_date", "created_date")
OPERATORS = ("gt", "lt", "eq")
_CLAUSE = re.compile(r"\s*(\w+)\s+(\w+)\s+(?:'([^']*)'|\"([^\"]*)\")\s*")
_AND = re.compile(r"and\b", re.IGNORECASE)
_DATE_ONLY = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True)
class Clause:
    field: str
    operator: str
    start: datetime
    # The end of the span an ``eq`` matches: the next day or the next second.
    end: datetime


def _bad_filter(detail: str):
    raise Malformed(
        f"{detail} Filters look like: modified_date gt '2024-04-01' "
        f"(fields {', '.join(FIELDS)}; operators {', '.join(OPERATORS)}; joined by 'and').",
        slug="bad-filter",
        errors={"filter": [detail]},
    )


def _moment(text: str) -> tuple[datetime, timedelta]:
    text = text.strip()
    try:
        if _DATE_ONLY.fullmatch(text):
            day = date.fromisoformat(text)
            if day == date.max:
                # Its day has no end a datetime can hold.
                _bad_filter(f"{text!r} is outside the dates this filter can compare.")
            return datetime(day.year, day.month, day.day, tzinfo=UTC), timedelta(days=1)
        moment = datetime.fromisoformat(text)
    except ValueError:
        _bad_filter(f"{text!r} is not an ISO 8601 date or time.")
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    try:
        moment = moment.astimezone(UTC)
        # The end of the span an eq matches must exist too (9999-12-31T23:59:59 has none).
        moment + timedelta(days=1)
    except OverflowError:
        _bad_filter(f"{text!r} is outside the dates this filter can compare.")
    return moment, timedelta(seconds=1)


def parse_filter(text: str | None) -> list[Clause]:
    """The clauses of an OSDI ``filter`` parameter; a 400 problem when it is not understood."""
    if text is None or not text.strip():
        return []
    clauses: list[Clause] = []
    position = 0
    while True:
        match = _CLAUSE.match(text, position)
        if match is None:
            _bad_filter(f"Cannot read the filter at {text[position:]!r}.")
        field, operator = match.group(1), match.group(2).lower()
        if field not in FIELDS:
            _bad_filter(f"Cannot filter on {field!r}.")
        if operator not in OPERATORS:
            _bad_filter(f"Unknown operator {operator!r}.")
        raw = match.group(3) if match.group(3) is not None else match.group(4)
        start, span = _moment(raw)
        clauses.append(Clause(field, operator, start, start + span))
        position = match.end()
        if position == len(text):
            return clauses
        joiner = _AND.match(text, position)
        if joiner is None:
            _bad_filter(f"Only 'and' may join clauses, not {text[position:]!r}.")
        position = joiner.end()


def apply_filter(stmt: Select, clauses: list[Clause], columns: dict) -> Select:
    """Add each clause to ``stmt``; ``columns`` maps modified_date/created_date to columns."""
    for clause in clauses:
        column = columns[clause.field]
        if clause.operator == "gt":
            stmt = stmt.where(column > clause.start)
        elif clause.operator == "lt":
            stmt = stmt.where(column < clause.start)
        else:
            stmt = stmt.where(column >= clause.start, column < clause.end)
    return stmt


@dataclass(frozen=True)
class Page:
    items: list
    page: int
    per_page: int
    total_records: int

    @property
    def total_pages(self) -> int:
        return math.ceil(self.total_records / self.per_page)


def paginate(stmt: Select, page: int, per_page: int, total: int | None = None) -> Page:
    """One page of ``stmt`` (already ordered). ``total`` may come from a kept count.

    Otherwise it is a COUNT: this is the organizer path, never the public read path.
    """
    per_page = min(per_page, MAX_PER_PAGE)
    if total is None:
        counted = select(func.count()).select_from(stmt.order_by(None).subquery())
        total = db.session.scalar(counted) or 0
    items = list(db.session.scalars(stmt.limit(per_page).offset((page - 1) * per_page)))
    return Page(items=items, page=page, per_page=per_page, total_records=total)
