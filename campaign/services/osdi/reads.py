"""What an organizer's OSDI client reads: petitions, their signatures, people.

Each read returns rows (and kept totals); the API layer renders them as HAL documents.

Pages are ordered by id, so a client paging while people keep signing sees new rows appear
at the end rather than shifting earlier pages.
"""

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from campaign.models import Person, Petition, Signature
from campaign.models.base import db
from campaign.services import catalog, counters, counting
from campaign.services.errors import NotFound
from campaign.services.osdi.query import Page, apply_filter, paginate, parse_filter

COUNTED = counting.COUNTED


def _not_found(kind: str, local_id) -> None:
    raise NotFound(f"No {kind} has the id {local_id!r}.", slug="not-found")


def _totals(petitions: list[Petition]) -> dict[int, int]:
    counts = counters.totals(counters.petition_subject(p.id) for p in petitions)
    return {p.id: counts[counters.petition_subject(p.id)] for p in petitions}


def petitions_page(page: int, per_page: int, filter_text: str | None) -> tuple[Page, dict]:
    """A page of petitions, drafts included, and their kept signature totals."""
    stmt = select(Petition).options(selectinload(Petition.targets), selectinload(Petition.campaign))
    stmt = apply_filter(
        stmt,
        parse_filter(filter_text),
        {"modified_date": Petition.updated_at, "created_date": Petition.created_at},
    ).order_by(Petition.id)
    result = paginate(stmt, page, per_page)
    return result, _totals(result.items)


def petition(slug: str) -> tuple[Petition, int]:
    """One petition, drafts included, and its kept signature total."""
    item = catalog.find_petition(slug, drafts=True)
    return item, counters.total(counters.petition_subject(item.id))


def _signature_columns() -> dict:
    return {"modified_date": Signature.counted_at, "created_date": Signature.created_at}


def petition_signatures_page(
    slug: str, page: int, per_page: int, filter_text: str | None
) -> tuple[Petition, Page]:
    """The petition and a page of its counted signatures, oldest first."""
    item = catalog.find_petition(slug, drafts=True)
    clauses = parse_filter(filter_text)
    stmt = (
        select(Signature)
        .options(selectinload(Signature.person))
        .where(Signature.petition_id == item.id, Signature.status == COUNTED)
    )
    stmt = apply_filter(stmt, clauses, _signature_columns()).order_by(Signature.id)
    # Unfiltered, the number of counted signatures is the petition's kept count.
    total = None if clauses else counters.total(counters.petition_subject(item.id))
    return item, paginate(stmt, page, per_page, total)


def signature(slug: str, signature_id: int) -> Signature:
    """One counted signature on the petition ``slug``."""
    item = catalog.find_petition(slug, drafts=True)
    found = db.session.scalar(
        select(Signature).where(
            Signature.id == signature_id,
            Signature.petition_id == item.id,
            Signature.status == COUNTED,
        )
    )
    if found is None:
        _not_found("signature on this petition", signature_id)
    return found


def find_person(person_id: int) -> Person:
    person = db.session.get(Person, person_id)
    if person is None:
        _not_found("person", person_id)
    return person


def people_page(page: int, per_page: int, filter_text: str | None) -> Page:
    stmt = apply_filter(
        select(Person),
        parse_filter(filter_text),
        {"modified_date": Person.updated_at, "created_date": Person.created_at},
    ).order_by(Person.id)
    return paginate(stmt, page, per_page)


def person_signatures_page(
    person_id: int, page: int, per_page: int, filter_text: str | None
) -> tuple[Person, Page]:
    """The person and a page of their counted signatures on any petition."""
    found = find_person(person_id)
    stmt = (
        select(Signature)
        .options(selectinload(Signature.petition), selectinload(Signature.person))
        .where(Signature.person_id == found.id, Signature.status == COUNTED)
    )
    stmt = apply_filter(stmt, parse_filter(filter_text), _signature_columns())
    return found, paginate(stmt.order_by(Signature.id), page, per_page)
