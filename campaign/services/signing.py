"""Signing a petition and joining a campaign's list: one transaction each, counted exactly."""

from dataclasses import dataclass

from campaign.extensions import db
from campaign.models import Campaign, Petition, Signature, Signup
from campaign.models.types import utcnow
from campaign.services import confirmation, counters, dialect, milestones, people, webhooks


@dataclass(frozen=True)
class Outcome:
    """What a write tells the caller: the same whether the person was new or not."""

    signature_count: int
    signup_count: int = 0


def signature_keys(petition: Petition, signature: Signature) -> list[tuple[str, str, str]]:
    """Every (subject, dimension, key) count one counted signature stands in."""
    campaign = counters.campaign_subject(petition.campaign_id)
    keys = [
        (counters.petition_subject(petition.id), counters.TOTAL, ""),
        (campaign, "signatures", ""),
        (campaign, "hour", counters.hour_key(signature.counted_at)),
    ]
    keys += [(counters.demand_subject(d.id), counters.TOTAL, "") for d in petition.demands]
    if signature.country:
        keys.append((campaign, "country", signature.country))
    if signature.region:
        keys.append((campaign, "region", signature.region))
    if signature.source:
        keys.append((campaign, "source", signature.source))
    return keys


def stored_signature_keys(petition: Petition, row) -> list[tuple[str, str, str]]:
    """The counts a stored, counted signature row stands in (for taking it out again)."""
    signature = Signature(
        country=row.country,
        region=row.region,
        source=row.source,
        counted_at=row.counted_at or row.created_at,
    )
    return signature_keys(petition, signature)


def count_signature(
    petition: Petition, person_id: int, signature: Signature, extra: dict | None = None
) -> None:
    """Add one signature to every count it stands in, with ``extra`` deltas, in one statement."""
    deltas = dict.fromkeys(signature_keys(petition, signature), 1)
    if people.join_campaign(petition.campaign_id, person_id):
        deltas[(counters.campaign_subject(petition.campaign_id), "people", "")] = 1
    deltas.update(extra or {})
    counters.add_deltas(deltas)


def sign(
    petition: Petition, details: dict, ip_hash: str, *, count: bool = True, commit: bool = True
) -> Outcome:
    """Record ``details`` as a signature on ``petition`` and commit.

    ``count=False`` (a honeypot hit) records nothing and answers exactly as if it had.
    ``commit=False`` leaves the transaction open for the caller to add to and commit (an
    idempotency record that must stand or fall with the signature).
    """
    if count:
        person_id = people.upsert(details)
        now = utcnow()
        pending = petition.requires_confirmation
        stmt = (
            dialect.insert(Signature)
            .values(
                petition_id=petition.id,
                person_id=person_id,
                status="pending" if pending else "counted",
                country=details.get("country") or "",
                region=details.get("region") or "",
                comment=details.get("comment") or "",
                source=details.get("source") or "",
                referrer=details.get("referrer") or "",
                ip_hash=ip_hash,
                created_at=now,
                counted_at=None if pending else now,
            )
            .on_conflict_do_nothing(index_elements=["petition_id", "person_id"])
            .returning(Signature.id)
        )
        inserted = db.session.execute(stmt).first()
        if pending:
            confirmation.requested(petition, person_id, inserted.id if inserted else None)
        elif inserted is not None:
            signature = Signature(
                country=details.get("country") or "",
                region=details.get("region") or "",
                source=details.get("source") or "",
                counted_at=now,
            )
            count_signature(petition, person_id, signature)
            webhooks.signature_counted(petition, inserted.id, person_id)
        else:
            # Confirmation was turned off after this person signed: signing again counts it.
            confirmation.count_pending(petition, person_id)
    signature_count = counters.totals([counters.petition_subject(petition.id)])
    if count:
        milestones.record(petition, signature_count[counters.petition_subject(petition.id)])
    if commit:
        db.session.commit()
    return Outcome(signature_count=signature_count[counters.petition_subject(petition.id)])


def join(
    campaign: Campaign, details: dict, ip_hash: str, *, count: bool = True, commit: bool = True
) -> Outcome:
    """Add the person in ``details`` to the campaign's list and commit (see ``sign``)."""
    subject = counters.campaign_subject(campaign.id)
    if count:
        person_id = people.upsert(details)
        stmt = (
            dialect.insert(Signup)
            .values(
                campaign_id=campaign.id,
                person_id=person_id,
                consent=bool(details.get("consent")),
                source=details.get("source") or "",
                referrer=details.get("referrer") or "",
                ip_hash=ip_hash,
                created_at=utcnow(),
            )
            .on_conflict_do_nothing(index_elements=["campaign_id", "person_id"])
            .returning(Signup.id)
        )
        inserted = db.session.execute(stmt).first()
        if inserted is not None:
            keys = [(subject, "signups", "")]
            if people.join_campaign(campaign.id, person_id):
                keys.append((subject, "people", ""))
            counters.add(keys, +1)
            webhooks.signup_created(campaign, inserted.id, person_id)
    counts = counters.totals([subject], "signatures")
    signups = counters.totals([subject], "signups")
    if commit:
        db.session.commit()
    return Outcome(signature_count=counts[subject], signup_count=signups[subject])
