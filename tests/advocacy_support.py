"""Helpers for the advocacy tests: the seeded campaigns' slugs, a sender's body, counts."""

from sqlalchemy import func, select

from campaign.models import Counter
from campaign.models.base import db

LETTER = "write-your-senators"
CALL = "call-your-senators"
CASSIDY = "bioguide:C001075"
KENNEDY = "bioguide:K000393"


def sender(email: str, postal_code: str = "70801", **extra) -> dict:
    body = {
        "given_name": "Anahit",
        "family_name": "Petrosyan",
        "email": email,
        "postal_code": postal_code,
        "country": "US",
        "consent": True,
    }
    body.update(extra)
    return body


def advocacy_counts(app, slug: str) -> dict:
    """Every non-zero count kept for the advocacy campaign, summed over shards."""
    from campaign.models import AdvocacyCampaign

    with app.app_context():
        advocacy_id = db.session.scalar(
            select(AdvocacyCampaign.id).where(AdvocacyCampaign.slug == slug)
        )
        rows = db.session.execute(
            select(Counter.dimension, Counter.key, func.sum(Counter.count))
            .where(Counter.subject == f"advocacy:{advocacy_id}")
            .group_by(Counter.dimension, Counter.key)
        )
        return {(d, k): int(n) for d, k, n in rows if n}
