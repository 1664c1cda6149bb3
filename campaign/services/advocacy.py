"""Advocacy campaigns as the public sees them, and recording outreaches (letters and calls).

One outreach per person per target per advocacy campaign, enforced by a unique constraint:
concurrent posts meet there, the insert that wins counts and the others count nothing. The
answer (how to reach each office, and the letter to paste) is the same for a new and a repeat
sender. Congressional offices get no automatic submission; fixed targets with an email get
the letter through the outbox.
"""

import re

from sqlalchemy import select
from sqlalchemy.orm import contains_eager

from campaign.models import AdvocacyCampaign, AdvocacyParticipant, Campaign, Outreach
from campaign.models.base import db
from campaign.models.types import utcnow
from campaign.services import (
    advocacy_counts,
    advocacy_events,
    counters,
    counting,
    dialect,
    outbox,
    people,
    targeting,
)
from campaign.services.errors import Conflict, Invalid, NotFound
from campaign.services.published import PUBLIC_STATUSES


def _query():
    # The campaign comes with the row (its status decides whether the advocacy is open);
    # fixed targets load only where they are used, so a post to senators reads one row.
    return (
        select(AdvocacyCampaign)
        .join(AdvocacyCampaign.campaign)
        .options(contains_eager(AdvocacyCampaign.campaign))
    )


def public_advocacy(slug: str) -> AdvocacyCampaign:
    """A published advocacy campaign in a published campaign, or 404."""
    advocacy = db.session.scalar(
        _query().where(
            AdvocacyCampaign.slug == slug,
            AdvocacyCampaign.status.in_(PUBLIC_STATUSES),
            Campaign.status.in_(PUBLIC_STATUSES),
        )
    )
    if advocacy is None:
        raise NotFound(
            f"No advocacy campaign is published under the slug {slug!r}.", slug="not-found"
        )
    return advocacy


def with_total(advocacy: AdvocacyCampaign) -> AdvocacyCampaign:
    advocacy.total_outreaches = counters.total(counters.advocacy_subject(advocacy.id))
    return advocacy


def published_in(campaigns: list[Campaign]) -> None:
    """Set ``advocacy_campaigns`` (published ones, with totals) on each campaign."""
    ids = [c.id for c in campaigns]
    rows = list(
        db.session.scalars(
            select(AdvocacyCampaign)
            .where(
                AdvocacyCampaign.campaign_id.in_(ids),
                AdvocacyCampaign.status.in_(PUBLIC_STATUSES),
            )
            .order_by(AdvocacyCampaign.position, AdvocacyCampaign.id)
        )
    )
    totals = advocacy_counts.totals([a.id for a in rows])
    for campaign in campaigns:
        campaign.advocacy_campaigns = []
    by_id = {c.id: c for c in campaigns}
    for advocacy in rows:
        advocacy.total_outreaches = totals[advocacy.id]
        by_id[advocacy.campaign_id].advocacy_campaigns.append(advocacy)


def open_advocacy(slug: str) -> AdvocacyCampaign:
    advocacy = public_advocacy(slug)
    if not advocacy.is_open:
        raise Conflict(f"The advocacy campaign {slug!r} is closed.", slug="advocacy-closed")
    return advocacy


def phone_url(phone: str) -> str:
    """A ``tel:`` link: U.S. numbers get +1, numbers written with + keep their country code."""
    digits = re.sub(r"\D", "", phone or "")
    if not digits:
        return ""
    if (phone or "").strip().startswith("+"):
        return f"tel:+{digits}"
    if len(digits) == 10:
        return f"tel:+1{digits}"
    return f"tel:+{digits}"


def _salutation(target: dict) -> str:
    if target["family_name"]:
        return f"Dear {target['title']} {target['family_name']},"
    if target["name"]:
        return f"Dear {target['name']},"
    return ""


def letter(advocacy: AdvocacyCampaign, target: dict, details: dict) -> str:
    """The text to send or read: salutation, template or script, message, name and ZIP."""
    text = advocacy.script if advocacy.type == "call" else advocacy.template
    parts = [_salutation(target), text.strip(), (details.get("message") or "").strip()]
    name = " ".join(p for p in (details.get("given_name"), details.get("family_name")) if p)
    parts.append("\n".join(p for p in (name, details.get("postal_code") or "") if p))
    return "\n\n".join(p for p in parts if p)


def choose_targets(advocacy: AdvocacyCampaign, details: dict) -> list[dict]:
    """The targets this submission reaches: what the lookup offers, or the chosen subset."""
    offered = targeting.lookup(
        advocacy, details.get("postal_code") or "", details.get("country") or ""
    )
    if not offered["targets"]:
        reason = offered["reason"] or "This advocacy campaign has no targets."
        if advocacy.targeting == "fixed":
            field = "targets"
        else:
            # A ZIP that was found names a place without members (DC, a territory); else the
            # country did.
            field = "postal_code" if offered["states"] else "country"
        raise Invalid(reason, slug="validation", errors={field: [reason]})
    wanted = details.get("targets")
    if not wanted:
        return offered["targets"]
    by_id = {t["id"]: t for t in offered["targets"]}
    unknown = [t for t in wanted if t not in by_id]
    if unknown:
        detail = "Not among the targets offered for this address: " + ", ".join(unknown)
        raise Invalid(detail, slug="validation", errors={"targets": [detail]})
    return [by_id[t] for t in dict.fromkeys(wanted)]


def _answer(advocacy: AdvocacyCampaign, targets: list[dict], details: dict) -> dict:
    return {
        "advocacy_campaign": advocacy.slug,
        "targets": [
            {
                "id": t["id"],
                "name": t["name"],
                "title": t["title"],
                "phone": t["phone"],
                "phone_url": phone_url(t["phone"]),
                "contact_form": t["contact_form"],
                "email": t["email"],
                "subject": advocacy.subject,
                "body": letter(advocacy, t, details),
            }
            for t in targets
        ],
    }


def _insert(advocacy: AdvocacyCampaign, person_id: int, targets, details: dict, now, ip_hash):
    """Insert one outreach per target in one statement; the new ones' ids by target id."""
    common = {
        "advocacy_campaign_id": advocacy.id,
        "person_id": person_id,
        "status": counting.COUNTED,
        **people.typed_details(details),
        "subject": details.get("subject") or advocacy.subject,
        "message": details.get("message") or "",
        "outcome": details.get("outcome") or "",
        "duration": details.get("duration"),
        "source": details.get("source") or "",
        "referrer": details.get("referrer") or "",
        "ip_hash": ip_hash,
        "created_at": now,
    }
    rows = [
        {
            **common,
            "target_id": target["id"],
            "target_name": target["name"],
            "target_title": target["title"],
            "chamber": target["chamber"],
            "state": target["state"],
            "district": target["district"],
        }
        for target in targets
    ]
    # A fixed statement over the rows (compiled once; SQLAlchemy batches them into one
    # INSERT), not a VALUES list that would be compiled again on every post.
    table = Outreach.__table__
    stmt = (
        dialect.insert(table)
        .on_conflict_do_nothing(index_elements=["advocacy_campaign_id", "person_id", "target_id"])
        .returning(table.c.id, table.c.target_id)
    )
    return {target_id: outreach_id for outreach_id, target_id in db.session.execute(stmt, rows)}


def join(advocacy_id: int, person_id: int) -> bool:
    """Record the person as a participant; True only the first time."""
    stmt = (
        dialect.insert(AdvocacyParticipant)
        .values(advocacy_campaign_id=advocacy_id, person_id=person_id, created_at=utcnow())
        .on_conflict_do_nothing(index_elements=["advocacy_campaign_id", "person_id"])
        .returning(AdvocacyParticipant.person_id)
    )
    return db.session.execute(stmt).first() is not None


def record(
    advocacy: AdvocacyCampaign,
    details: dict,
    ip_hash: str,
    *,
    honeypot: bool = False,
) -> dict:
    """Record one outreach per chosen target for the person in ``details``; the caller
    commits (the view, with its idempotency record).

    ``honeypot=True`` (the trap field was filled) records nothing and answers exactly as if
    it had.
    """
    targets = choose_targets(advocacy, details)
    if advocacy.targeting != "fixed":
        # The ZIP as the lookup read it (ZIP+4 folded to five digits) is what is kept.
        zip5 = targeting.ZIP_PATTERN.fullmatch(details["postal_code"].strip()).group(1)
        details = {**details, "postal_code": zip5, "country": "US"}
    if not honeypot:
        person_id = people.insert_or_find(details)
        now = utcnow()
        # One statement for every target: the ones this person had not reached get a row.
        new_ids = _insert(advocacy, person_id, targets, details, now, ip_hash)
        reached = [(new_ids[t["id"]], t) for t in targets if t["id"] in new_ids]
        for outreach_id, target in reached:
            if target["email"]:
                outbox.enqueue(
                    advocacy_events.LETTER,
                    {
                        "to": target["email"],
                        "subject": advocacy.subject,
                        "body": letter(advocacy, target, details),
                    },
                    ref=f"outreach:{outreach_id}",
                    person_id=person_id,
                )
        if reached:
            new_participant = join(advocacy.id, person_id)
            counting.count_outreaches_in(
                advocacy.id,
                [t for _, t in reached],
                details.get("postal_code") or "",
                now,
                new_participant,
            )
            advocacy_events.outreach_created(advocacy, [i for i, _ in reached], person_id)
    return _answer(advocacy, targets, details)
