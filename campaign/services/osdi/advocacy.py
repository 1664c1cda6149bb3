"""OSDI advocacy campaigns and outreaches: HAL documents, organizer reads, and the
record-outreach helper written through the native service (``advocacy.record``).

An OSDI outreach here is one stored outreach: one person's letter or call to one target,
so its ``targets`` holds that one target.
"""

from flask import request
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from campaign.extensions import db
from campaign.models import AdvocacyCampaign, Outreach
from campaign.services import advocacy, advocacy_counts, counters, people, targeting
from campaign.services.errors import NotFound
from campaign.services.osdi import hal, helpers
from campaign.services.osdi.query import apply_filter, paginate, parse_filter
from campaign.services.osdi.reads import find_person

OSDI_TYPES = {"letter": "email", "call": "phone"}


def _path(item: AdvocacyCampaign) -> str:
    return f"/advocacy_campaigns/{item.slug}"


def ocdid(state: str, chamber: str, district: int | None) -> str:
    if not state:
        return ""
    base = f"ocd-division/country:us/state:{state.lower()}"
    return f"{base}/cd:{district}" if chamber == "house" and district else base


def _fixed(target) -> dict:
    return {
        "name": target.name,
        "title": target.title,
        "organization": target.organization,
        "identifiers": [target.slug],
    }


def campaign_doc(item: AdvocacyCampaign, total: int) -> dict:
    path = _path(item)
    return {
        "identifiers": hal.identifiers(item.slug),
        "origin_system": hal.PRODUCT_NAME,
        "created_date": item.created_at,
        "modified_date": item.updated_at,
        "name": item.slug,
        "title": item.title,
        "description": item.description,
        "template": item.script if item.type == "call" else item.template,
        "browser_url": request.url_root.rstrip("/") + f"/api/v1/advocacy-campaigns/{item.slug}",
        "type": OSDI_TYPES[item.type],
        "total_outreaches": total,
        "targets": [_fixed(t) for t in item.targets],
        "links": {
            "self": hal.link(path),
            "osdi:outreaches": hal.link(f"{path}/outreaches"),
            "osdi:record_outreach_helper": hal.link(f"{path}/outreaches"),
        },
    }


def outreach_doc(item: Outreach, campaign: AdvocacyCampaign) -> dict:
    given, _, family = item.target_name.partition(" ")
    referrer = {"source": item.source}
    if item.referrer:
        referrer["url"] = item.referrer
    return {
        "identifiers": hal.identifiers(item.id),
        "origin_system": hal.PRODUCT_NAME,
        "created_date": item.created_at,
        "modified_date": item.created_at,
        "type": OSDI_TYPES[campaign.type],
        "subject": item.subject,
        "message": item.message,
        "duration": item.duration,
        "targets": [
            {
                "given_name": given if item.chamber else "",
                "family_name": family if item.chamber else "",
                "name": item.target_name,
                "title": item.target_title,
                "organization": {"senate": "U.S. Senate", "house": "U.S. House"}.get(
                    item.chamber, ""
                ),
                "ocdid": ocdid(item.state, item.chamber, item.district),
                "identifiers": [item.target_id],
            }
        ],
        "action_date": item.created_at,
        "referrer_data": referrer,
        "links": {
            "self": hal.link(f"{_path(campaign)}/outreaches/{item.id}"),
            "osdi:advocacy_campaign": hal.link(_path(campaign)),
            "osdi:person": hal.link(hal.person_path(item.person_id)),
        },
    }


def find(slug: str) -> AdvocacyCampaign:
    found = db.session.scalar(
        select(AdvocacyCampaign)
        .options(selectinload(AdvocacyCampaign.targets))
        .where(AdvocacyCampaign.slug == slug)
    )
    if found is None:
        raise NotFound(f"No advocacy campaign has the id {slug!r}.", slug="not-found")
    return found


def campaigns_page(page: int, per_page: int, filter_text: str | None) -> dict:
    stmt = apply_filter(
        select(AdvocacyCampaign).options(selectinload(AdvocacyCampaign.targets)),
        parse_filter(filter_text),
        {
            "modified_date": AdvocacyCampaign.updated_at,
            "created_date": AdvocacyCampaign.created_at,
        },
    ).order_by(AdvocacyCampaign.id)
    result = paginate(stmt, page, per_page)
    totals = advocacy_counts.totals([a.id for a in result.items])
    items = [campaign_doc(a, totals[a.id]) for a in result.items]
    path = "/advocacy_campaigns"
    return hal.collection("advocacy_campaigns", path, result, items, {"filter": filter_text})


def campaign(slug: str) -> dict:
    item = find(slug)
    return campaign_doc(item, counters.total(counters.advocacy_subject(item.id)))


def _columns() -> dict:
    return {"modified_date": Outreach.created_at, "created_date": Outreach.created_at}


def outreaches_page(slug: str, page: int, per_page: int, filter_text: str | None) -> dict:
    item = find(slug)
    clauses = parse_filter(filter_text)
    stmt = select(Outreach).where(
        Outreach.advocacy_campaign_id == item.id, Outreach.status == "counted"
    )
    stmt = apply_filter(stmt, clauses, _columns()).order_by(Outreach.id)
    total = None if clauses else counters.total(counters.advocacy_subject(item.id))
    result = paginate(stmt, page, per_page, total)
    items = [outreach_doc(o, item) for o in result.items]
    path = f"{_path(item)}/outreaches"
    return hal.collection("outreaches", path, result, items, {"filter": filter_text})


def outreach(slug: str, outreach_id: int, person_id: int | None = None) -> dict:
    item = find(slug) if slug else None
    stmt = select(Outreach).where(Outreach.id == outreach_id, Outreach.status == "counted")
    if item is not None:
        stmt = stmt.where(Outreach.advocacy_campaign_id == item.id)
    if person_id is not None:
        stmt = stmt.where(Outreach.person_id == person_id)
    found = db.session.scalar(stmt)
    if found is None:
        raise NotFound(f"No outreach has the id {outreach_id!r} here.", slug="not-found")
    return outreach_doc(found, item or found.advocacy_campaign)


def person_outreaches_page(
    person_id: int, page: int, per_page: int, filter_text: str | None
) -> dict:
    found = find_person(person_id)
    stmt = (
        select(Outreach)
        .options(selectinload(Outreach.advocacy_campaign))
        .where(Outreach.person_id == found.id, Outreach.status == "counted")
    )
    stmt = apply_filter(stmt, parse_filter(filter_text), _columns()).order_by(Outreach.id)
    result = paginate(stmt, page, per_page)
    items = [outreach_doc(o, o.advocacy_campaign) for o in result.items]
    path = f"{hal.person_path(found.id)}/outreaches"
    return hal.collection("outreaches", path, result, items, {"filter": filter_text})


def _target_ids(item: AdvocacyCampaign, details: dict, wanted: list[dict]) -> list[str]:
    """Offered target ids the OSDI target objects name, by identifier or family name."""
    offered = targeting.lookup(item, details.get("postal_code") or "", details.get("country"))
    prefix = hal.system() + ":"
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
