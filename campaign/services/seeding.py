"""Loading a campaign from seed data: insert what is new, update what changed, double nothing.

Rows are matched by slug. Re-seeding re-applies the letter's facts: the letter itself, the
demands (their titles and quoted texts), the targets, the prisoners' names and offices, the
legislation, and which demands and targets each petition carries. Organizer settings are set
only when a row is created, because after that they belong to organizers and are edited
through the API: titles, summaries, goals and texts of campaigns and petitions, and every
status (a prisoner marked released stays released on the next seed).
"""

from datetime import date

from sqlalchemy import select

from campaign.models import (
    AdvocacyCampaign,
    Campaign,
    Demand,
    Legislation,
    Petition,
    Prisoner,
    Target,
)
from campaign.models.base import db


def _upsert_child(model, existing: dict, campaign: Campaign, position: int, item: dict, fields):
    row = existing.get(item["slug"])
    if row is None:
        row = model(campaign=campaign, slug=item["slug"])
        if "status" in item:
            row.status = item["status"]
        db.session.add(row)
    row.position = position
    for field in fields:
        if field in item:
            setattr(row, field, item[field])
    return row


def load_campaign(data: dict) -> Campaign:
    """Insert or update the campaign described by ``data``; the caller commits."""
    campaign = db.session.scalar(select(Campaign).where(Campaign.slug == data["slug"]))
    if campaign is None:
        campaign = Campaign(
            slug=data["slug"],
            status=data.get("status", "draft"),
            title=data["title"],
            summary=data.get("summary", ""),
            goal=data.get("goal", 0),
        )
        db.session.add(campaign)
    letter = data.get("letter", {})
    campaign.letter_date = date.fromisoformat(letter["date"]) if letter.get("date") else None
    campaign.letter_title = letter.get("title", "")
    campaign.letter_senders = list(letter.get("senders", []))
    campaign.letter_addressee = letter.get("addressee", "")
    campaign.letter_text = letter.get("text", "")

    children = (
        ("demands", Demand, ("title", "text")),
        ("targets", Target, ("name", "title", "organization")),
        ("prisoners", Prisoner, ("name", "former_office")),
        ("legislation", Legislation, ("title", "summary")),
    )
    by_slug = {}
    for attr, model, fields in children:
        existing = {row.slug: row for row in getattr(campaign, attr)}
        by_slug[attr] = {
            item["slug"]: _upsert_child(model, existing, campaign, pos, item, fields)
            for pos, item in enumerate(data.get(attr, []))
        }

    existing = {row.slug: row for row in campaign.petitions}
    for pos, item in enumerate(data.get("petitions", [])):
        petition = existing.get(item["slug"]) or db.session.scalar(
            select(Petition).where(Petition.slug == item["slug"])
        )
        if petition is None:
            petition = Petition(
                slug=item["slug"],
                status=item.get("status", "draft"),
                title=item["title"],
                text=item.get("text", ""),
                goal=item.get("goal", 0),
            )
            db.session.add(petition)
        petition.campaign = campaign
        petition.position = pos
        petition.demands = [by_slug["demands"][slug] for slug in item.get("demands", [])]
        petition.targets = [by_slug["targets"][slug] for slug in item.get("targets", [])]
    db.session.flush()
    _load_advocacy(campaign, data.get("advocacy_campaigns", []))
    db.session.flush()
    return campaign


ADVOCACY_FIELDS = ("title", "description", "type", "targeting", "subject", "template", "script")


def _load_advocacy(campaign: Campaign, items: list[dict]) -> None:
    for pos, item in enumerate(items):
        row = db.session.scalar(
            select(AdvocacyCampaign).where(AdvocacyCampaign.slug == item["slug"])
        )
        if row is None:
            row = AdvocacyCampaign(slug=item["slug"], status=item.get("status", "draft"))
            db.session.add(row)
        row.campaign_id = campaign.id
        row.position = pos
        for field in ADVOCACY_FIELDS:
            setattr(row, field, item.get(field, ""))
