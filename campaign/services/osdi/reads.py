"""What an organizer's OSDI client reads: petitions, their signatures, people.

Pages are ordered by id, so a client paging while people keep signing sees new rows appear
at the end rather than shifting earlier pages.
"""

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from campaign.extensions import db
from campaign.models import Person, Petition, Signature
from campaign.services import catalog, counters, counting
from campaign.services.errors import NotFound
from campaign.services.osdi import hal
from campaign.services.osdi.query import apply_filter, paginate, parse_filter

COUNTED = counting.COUNTED


def _not_found(kind: str, local_id) -> None:
    raise NotFound(f"No {kind} has the id {local_id!r}.", slug="not-found")


def _totals(petitions: list[Petition]) -> dict[int, int]:
    counts = counters.totals(counters.petition_subject(p.id) for p in petitions)
    return {p.id: counts[counters.petition_subject(p.id)] for p in petitions}


def petitions_page(page: int, per_page: int, filter_text: str | None) -> dict:
    stmt = select(Petition).options(selectinload(Petition.targets), selectinload(Petition.campaign))
    stmt = apply_filter(
        stmt,
        parse_filter(filter_text),
        {"modified_date": Petition.updated_at, "created_date": Petition.created_at},
    ).order_by(Petition.id)
    result = paginate(stmt, page, per_page)
    totals = _totals(result.items)
    items = [hal.petition(p, totals[p.id]) for p in result.items]
    return hal.collection("petitions", "/petitions", result, items, {"filter": filter_text})


def petition(slug: str) -> dict:
    item = catalog.find_petition(slug, drafts=True)
    return hal.petition(item, counters.total(counters.petition_subject(item.id)))


def _signature_columns() -> dict:
    return {"modified_date": Signature.counted_at, "created_date": Signature.created_at}


def petition_signatures_page(slug: str, page: int, per_page: int, filter_text: str | None) -> dict:
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
    result = paginate(stmt, page, per_page, total)
    items = [hal.signature(s, item.slug) for s in result.items]
    path = f"{hal.petition_path(item)}/signatures"
    return hal.collection("signatures", path, result, items, {"filter": filter_text})


def signature(slug: str, signature_id: int) -> dict:
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
    return hal.signature(found, item.slug)


def find_person(person_id: int) -> Person:
    person = db.session.get(Person, person_id)
    if person is None:
        _not_found("person", person_id)
    return person


def people_page(page: int, per_page: int, filter_text: str | None) -> dict:
    stmt = apply_filter(
        select(Person),
        parse_filter(filter_text),
        {"modified_date": Person.updated_at, "created_date": Person.created_at},
    ).order_by(Person.id)
    result = paginate(stmt, page, per_page)
    items = [hal.person(p) for p in result.items]
    return hal.collection("people", "/people", result, items, {"filter": filter_text})


def person(person_id: int) -> dict:
    return hal.person(find_person(person_id))


def person_signatures_page(
    person_id: int, page: int, per_page: int, filter_text: str | None
) -> dict:
    found = find_person(person_id)
    stmt = (
        select(Signature)
        .options(selectinload(Signature.petition), selectinload(Signature.person))
        .where(Signature.person_id == found.id, Signature.status == COUNTED)
    )
    stmt = apply_filter(stmt, parse_filter(filter_text), _signature_columns())
    result = paginate(stmt.order_by(Signature.id), page, per_page)
    items = [hal.signature(s, s.petition.slug) for s in result.items]
    path = f"{hal.person_path(found.id)}/signatures"
    return hal.collection("signatures", path, result, items, {"filter": filter_text})
