"""OSDI advocacy campaigns and outreaches: organizer reads (pages of rows that the API
layer renders as HAL) and the record-outreach helper, written through the native service
(``advocacy.record``)."""

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from campaign.models import AdvocacyCampaign, Outreach, Person
from campaign.models.base import db
from campaign.services import (
    advocacy,
    advocacy_admin,
    advocacy_counts,
    counters,
    people,
    targeting,
)
from campaign.services.errors import NotFound
from campaign.services.osdi import helpers
from campaign.services.osdi.query import Page, apply_filter, paginate, parse_filter
from campaign.services.osdi.reads import find_person


def campaigns_page(page: int, per_page: int, filter_text: str | None) -> tuple[Page, dict]:
    """A page of advocacy campaigns, drafts included, and their kept outreach totals."""
    stmt = apply_filter(
        select(AdvocacyCampaign).options(selectinload(AdvocacyCampaign.targets)),
        parse_filter(filter_text),
        {
            "modified_date": AdvocacyCampaign.updated_at,
            "created_date": AdvocacyCampaign.created_at,
        },
    ).order_by(AdvocacyCampaign.id)
    result = paginate(stmt, page, per_page)
    return result, advocacy_counts.totals([a.id for a in result.items])


def campaign(slug: str) -> tuple[AdvocacyCampaign, int]:
    """One advocacy campaign and its kept outreach total."""
    item = advocacy_admin.find(slug)
    return item, counters.total(counters.advocacy_subject(item.id))


def _columns() -> dict:
    return {"modified_date": Outreach.created_at, "created_date": Outreach.created_at}


def outreaches_page(
    slug: str, page: int, per_page: int, filter_text: str | None
) -> tuple[AdvocacyCampaign, Page]:
    """The campaign and a page of its counted outreaches, oldest first."""
    item = advocacy_admin.find(slug)
    clauses = parse_filter(filter_text)
    stmt = select(Outreach).where(
        Outreach.advocacy_campaign_id == item.id, Outreach.status == "counted"
    )
    stmt = apply_filter(stmt, clauses, _columns()).order_by(Outreach.id)
    total = None if clauses else counters.total(counters.advocacy_subject(item.id))
    return item, paginate(stmt, page, per_page, total)


def outreach(slug: str, outreach_id: int, person_id: int | None = None) -> Outreach:
    """One counted outreach, of the campaign ``slug`` (any when "") and of ``person_id``."""
    item = advocacy_admin.find(slug) if slug else None
    stmt = select(Outreach).where(Outreach.id == outreach_id, Outreach.status == "counted")
    if item is not None:
        stmt = stmt.where(Outreach.advocacy_campaign_id == item.id)
    if person_id is not None:
        stmt = stmt.where(Outreach.person_id == person_id)
    found = db.session.scalar(stmt)
    if found is None:
        raise NotFound(f"No outreach has the id {outreach_id!r} here.", slug="not-found")
    return found


def person_outreaches_page(
    person_id: int, page: int, per_page: int, filter_text: str | None
) -> tuple[Person, Page]:
    """The person and a page of their counted outreaches in any advocacy campaign."""
    found = find_person(person_id)
    stmt = (
        select(Outreach)
        .options(selectinload(Outreach.advocacy_campaign))
        .where(Outreach.person_id == found.id, Outreach.status == "counted")
    )
    stmt = apply_filter(stmt, parse_filter(filter_text), _columns()).order_by(Outreach.id)
    return found, paginate(stmt, page, per_page)


def _target_ids(item: AdvocacyCampaign, details: dict, wanted: list[dict]) -> list[str]:
    """Offered target ids the OSDI target objects name, by identifier or family name."""
    offered = targeting.lookup(item, details.get("postal_code") or "", details.get("country"))
    prefix = current_app.config["OSDI_SYSTEM_NAME"] + ":"
    ids = []
    for target in wanted:
        names = {i.removeprefix(prefix) for i in target.get("identifiers") or []}
        family = (target.get("family_name") or "").casefold()
        match = [
            t["id"]
            for t in offered["targets"]
            if t["id"] in names or (family and t["family_name"].casefold() == family)
        ]
        ids += match or ["|".join(sorted(names)) or family or "?"]
    return ids


def record(slug: str, body: dict, ip_hash: str, *, organizer: bool = False) -> Outreach | None:
    """The record-outreach helper: the person's outreaches, counted like native ones; the
    first outreach it stands for (or None when nothing was recorded). The caller commits.

    ``organizer``: the request carries an organizer token, so the person may be updated.
    """
    item = advocacy.open_advocacy(slug)
    details = helpers.person_details(body["person"])
    details["country"] = details.get("country") or "US"
    for field in ("subject", "message"):
        if body.get(field):
            details[field] = body[field]
    referrer_data = body.get("referrer_data") or {}
    if referrer_data.get("source"):
        details["source"] = referrer_data["source"]
    if referrer_data.get("url"):
        details["referrer"] = referrer_data["url"]
    if body.get("targets"):
        details["targets"] = _target_ids(item, details, body["targets"])
    if organizer:
        people.upsert(details)
    advocacy.record(item, details, ip_hash)
    person = helpers._find_person(details["email"])
    return db.session.scalar(
        select(Outreach)
        .where(Outreach.advocacy_campaign_id == item.id, Outreach.person_id == person.id)
        .order_by(Outreach.id)
        .limit(1)
    )
