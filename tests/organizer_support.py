"""Helpers for the organizer tests: tokens, signing through the service, counts vs rows."""

from collections import Counter as Counts
from itertools import count

from sqlalchemy import func, select

from campaign.extensions import db
from campaign.models import CampaignPerson, Counter, Petition, Signature, Signup
from campaign.services import counters, counting, signing, tokens
from campaign.services.catalog import find_petition, open_campaign

CAMPAIGN = "nagorno-karabakh-political-prisoners"
PETITION = "release-the-prisoners"
ALL_DEMANDS = "support-the-senators-letter"
_names = count()


def bearer(app, scopes: str = "read,export,manage") -> dict:
    with app.app_context():
        _, secret = tokens.create(f"test-{next(_names)}", tokens.parse_scopes(scopes))
    return {"Authorization": f"Bearer {secret}"}


def details(email: str, **extra) -> dict:
    values = {
        "given_name": "Anahit",
        "family_name": "Petrosyan",
        "email": email,
        "postal_code": "0010",
        "country": "AM",
        "region": "",
        "consent": True,
        "source": "",
        "referrer": "",
    }
    values.update(extra)
    return values


def sign(app, email: str, petition: str = PETITION, **extra) -> None:
    with app.app_context():
        signing.sign(find_petition(petition).slug, details(email, **extra), "")


def join(app, email: str, **extra) -> None:
    with app.app_context():
        signing.join(open_campaign(CAMPAIGN).slug, details(email, **extra), "")


def signature_ids(app, petition: str = PETITION) -> list[int]:
    with app.app_context():
        return list(
            db.session.scalars(
                select(Signature.id)
                .join(Petition)
                .where(Petition.slug == petition)
                .order_by(Signature.id)
            )
        )


def counter_state() -> dict:
    """Every non-zero count the counter rows hold, summed over shards."""
    rows = db.session.execute(
        select(Counter.subject, Counter.dimension, Counter.key, func.sum(Counter.count)).group_by(
            Counter.subject, Counter.dimension, Counter.key
        )
    )
    return {(s, d, k): int(n) for s, d, k, n in rows if n}


def counts_from_rows() -> dict:
    """What the counters must hold, recomputed from the rows they stand for."""
    truth: Counts = Counts()
    for signature in db.session.scalars(select(Signature).where(Signature.status == "counted")):
        for key in counting.signature_keys(signature.petition, signature):
            truth[key] += 1
    for signup in db.session.scalars(select(Signup)):
        truth[(counters.campaign_subject(signup.campaign_id), "signups", "")] += 1
    for member in db.session.scalars(select(CampaignPerson)):
        truth[(counters.campaign_subject(member.campaign_id), "people", "")] += 1
    return {key: n for key, n in truth.items() if n}


def assert_counts_exact(app) -> dict:
    """Counters equal the rows, and campaign_people holds exactly the people with something
    counted in the campaign; returns the counter state."""
    with app.app_context():
        state = counter_state()
        truth = counts_from_rows()
        dimensions = {d for _, d, _ in truth} | {"signatures", "signups", "people", "total"}
        assert {k: v for k, v in state.items() if k[1] in dimensions} == truth
        members = set(
            db.session.execute(select(CampaignPerson.campaign_id, CampaignPerson.person_id))
        )
        active = set(
            db.session.execute(
                select(Petition.campaign_id, Signature.person_id)
                .join(Petition)
                .where(Signature.status == "counted")
            )
        ) | set(db.session.execute(select(Signup.campaign_id, Signup.person_id)))
        assert members == active
        return state
