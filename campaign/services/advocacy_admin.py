"""Organizers' side of advocacy campaigns: create and edit them (fixed targets included),
the office report (letters and calls per target by ZIP) and the letters for hand delivery."""

from collections.abc import Iterator

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from campaign.models import AdvocacyCampaign, AdvocacyTarget, Outreach
from campaign.models.base import db
from campaign.services import admin, advocacy, counters, exports
from campaign.services.errors import Conflict, Invalid, NotFound

TARGET_FIELDS = ("name", "title", "organization", "email", "phone", "contact_form")
LETTERS_HEADER = (
    "id",
    "created_at",
    "status",
    "target_id",
    "target_name",
    "target_title",
    "chamber",
    "state",
    "district",
    "given_name",
    "family_name",
    "postal_code",
    "country",
    "region",
    "subject",
    "message",
    "outcome",
    "duration",
    "letter",
)
REPORT_HEADER = (
    "target_id",
    "name",
    "title",
    "chamber",
    "state",
    "postal_code",
    "letters",
    "calls",
)


def find(slug: str) -> AdvocacyCampaign:
    """Any advocacy campaign, drafts included, or 404."""
    found = db.session.scalar(
        select(AdvocacyCampaign)
        .options(selectinload(AdvocacyCampaign.targets))
        .where(AdvocacyCampaign.slug == slug)
    )
    if found is None:
        raise NotFound(f"No advocacy campaign has the slug {slug!r}.", slug="not-found")
    return found


def _set_targets(row: AdvocacyCampaign, items: list[dict]) -> None:
    existing = {t.slug: t for t in row.targets}
    kept = []
    for position, item in enumerate(items):
        target = existing.get(item["slug"]) or AdvocacyTarget(slug=item["slug"])
        for field in TARGET_FIELDS:
            setattr(target, field, item.get(field, getattr(target, field, None)) or "")
        target.position = position
        kept.append(target)
    row.targets = kept


def _save(row: AdvocacyCampaign, changes: dict) -> AdvocacyCampaign:
    targets = changes.pop("targets", None)
    for field, value in changes.items():
        setattr(row, field, value)
    if targets is not None:
        _set_targets(row, targets)
    if row.targeting == "fixed" and not row.targets and row.status == "active":
        detail = "An active campaign with fixed targeting needs at least one target."
        raise Invalid(detail, slug="validation", errors={"targets": [detail]})
    try:
        # Flushed here, so that a taken slug is refused (409) rather than failing the commit.
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        detail = f"The slug {row.slug!r} is taken."
        raise Conflict(detail, slug="conflict", errors={"slug": [detail]}) from None
    return advocacy.with_total(find(row.slug))


def create(campaign_slug: str, data: dict) -> AdvocacyCampaign:
    campaign = admin.find_campaign(campaign_slug)
    row = AdvocacyCampaign(campaign_id=campaign.id, status="draft", targets=[])
    db.session.add(row)
    return _save(row, dict(data))


def edit(slug: str, changes: dict) -> AdvocacyCampaign:
    return _save(find(slug), dict(changes))


def _labels(row: AdvocacyCampaign) -> dict[str, dict]:
    """Each reached target's name and office as its outreaches recorded them."""
    labels = {}
    for target_id, name, title, chamber, state in db.session.execute(
        select(
            Outreach.target_id,
            Outreach.target_name,
            Outreach.target_title,
            Outreach.chamber,
            Outreach.state,
        )
        .where(Outreach.advocacy_campaign_id == row.id)
        .distinct()
    ):
        labels[target_id] = {"name": name, "title": title, "chamber": chamber, "state": state}
    return labels


def report(slug: str) -> dict:
    """Per target, the counted letters and calls, in all and by ZIP (from the counters)."""
    row = find(slug)
    s = counters.advocacy_subject(row.id)
    by_target = counters.breakdown(s, "target")
    by_zip: dict[str, list[dict]] = {}
    for key, n in sorted(counters.breakdown(s, "zip").items()):
        target_id, _, postal_code = key.rpartition("|")
        by_zip.setdefault(target_id, []).append({"postal_code": postal_code, "count": n})
    labels = _labels(row)
    targets = []
    for target_id, total in sorted(by_target.items(), key=lambda i: (-i[1], i[0])):
        label = labels.get(target_id, {"name": "", "title": "", "chamber": "", "state": ""})
        targets.append(
            {
                "id": target_id,
                **label,
                "letters": total if row.type == "letter" else 0,
                "calls": total if row.type == "call" else 0,
                "total": total,
                "by_postal_code": by_zip.get(target_id, []),
            }
        )
    return {"advocacy_campaign": row.slug, "type": row.type, "targets": targets}


def report_csv(slug: str) -> Iterator[bytes]:
    data = report(slug)
    rows = [
        {
            "target_id": t["id"],
            "name": t["name"],
            "title": t["title"],
            "chamber": t["chamber"],
            "state": t["state"],
            "postal_code": z["postal_code"],
            "letters": z["count"] if data["type"] == "letter" else 0,
            "calls": z["count"] if data["type"] == "call" else 0,
        }
        for t in data["targets"]
        for z in t["by_postal_code"]
    ]
    return exports._csv(REPORT_HEADER, iter([rows]), False)


def _letter_batches(row: AdvocacyCampaign, batch: int) -> Iterator[list[dict]]:
    after = 0
    while True:
        outreaches = list(
            db.session.scalars(
                select(Outreach)
                .where(Outreach.advocacy_campaign_id == row.id, Outreach.id > after)
                .order_by(Outreach.id)
                .limit(batch)
            )
        )
        if not outreaches:
            return
        yield [_letter_row(row, o) for o in outreaches]
        after = outreaches[-1].id
        db.session.expunge_all()


def _letter_row(row: AdvocacyCampaign, o: Outreach) -> dict:
    target = {
        "family_name": "",
        "title": o.target_title,
        "name": f"{o.target_title} {o.target_name}",
    }
    details = {k: getattr(o, k) for k in ("given_name", "family_name", "postal_code", "message")}
    values = {name: getattr(o, name) for name in LETTERS_HEADER if name != "letter"}
    return values | {
        "letter": advocacy.letter(row, {**target, "name": target["name"].strip()}, details)
    }


def letters_csv(slug: str, *, bom: bool = False, batch: int = exports.CSV_BATCH) -> Iterator[bytes]:
    """Every outreach with its letter, streamed in batches, formula-safe."""
    row = find(slug)
    return exports._csv(LETTERS_HEADER, _letter_batches(row, batch), bom)
