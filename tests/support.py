"""Helpers shared by the tests: organizer tokens, a signer's body, signing through the service,
row counts, counter rows checked against the rows they stand for, and pages as a browser
gets them (their HTML, policy and script data).

Services never commit; a helper that calls one commits as a request or command would."""

import json
import re
from collections import Counter as Counts
from datetime import datetime, timedelta
from itertools import count

from sqlalchemy import func, select, update

from campaign.models import CampaignPerson, Counter, Person, Petition, Signature, Signup
from campaign.models.base import db
from campaign.models.types import utcnow
from campaign.services import counters, counting, signing, tokens
from campaign.services.catalog import find_petition, open_campaign

CAMPAIGN = "nagorno-karabakh-political-prisoners"
PETITION = "release-the-prisoners"
ALL_DEMANDS = "support-the-senators-letter"
ALL_SCOPES = ",".join(tokens.SCOPES)
# Rate limits raised so far that a 429 never stands in for the answer a test looks for.
NO_LIMITS = {
    "SIGNATURE_RATE_LIMIT": "1000000/minute",
    "SIGNUP_RATE_LIMIT": "1000000/minute",
    "WIDGET_RATE_LIMIT": "1000000/minute",
}
# Every field a signature takes, by the API's names (the honeypot aside).
SIGNATURE_FIELDS = (
    "given_name",
    "family_name",
    "email",
    "postal_code",
    "country",
    "region",
    "comment",
    "consent",
    "source",
    "referrer",
)
_names = count()


def token(app, scopes: str = ALL_SCOPES, name: str = "") -> str:
    """A new organizer token's secret with these scopes (comma-separated, as the CLI takes)."""
    with app.app_context():
        _, secret = tokens.create(name or f"test-{next(_names)}", tokens.parse_scopes(scopes))
        db.session.commit()
        db.session.remove()
    return secret


def bearer(app, scopes: str = ALL_SCOPES) -> dict:
    return {"Authorization": f"Bearer {token(app, scopes)}"}


def osdi_token(app, scopes: str = "read") -> dict:
    """OSDI clients send the token in their own header."""
    return {"OSDI-API-Token": token(app, scopes)}


def count(app, model, *where) -> int:
    """How many rows of ``model`` (matching ``where``) the database holds."""
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model).where(*where))


def signer(email: str = "anahit@example.org", **fields) -> dict:
    """A signature or sign-up body, as a website posts it and the write service takes it."""
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
    values.update(fields)
    return values


def set_rows(app, model, *where, **values) -> int:
    """Set columns on the rows of ``model`` matching ``where``; how many rows it changed.

    Tests set the clock this way (a ``created_at`` in the past, a lease run out) instead of
    waiting for time to pass.
    """
    with app.app_context():
        changed = db.session.execute(update(model).where(*where).values(**values)).rowcount
        db.session.commit()
    return changed


def ago(**delta) -> datetime:
    """The database clock's now, moved back by ``delta`` (timedelta's arguments)."""
    return utcnow() - timedelta(**delta)


def require_confirmation(app, petition: str = ALL_DEMANDS) -> None:
    set_rows(app, Petition, Petition.slug == petition, requires_confirmation=True)


def sign(app, *addresses: str, petition: str = PETITION, **extra) -> None:
    """Sign each address onto ``petition`` through the write service, one transaction each
    (where nothing else is in it, the statement may run alone, as without an Idempotency-Key)."""
    with app.app_context():
        slug = find_petition(petition).slug
        for email in addresses:
            signing.sign(slug, signer(email, **extra), "", may_commit_alone=True)
            db.session.commit()


def emails(n: int, start: int = 0) -> list[str]:
    return [f"signer{i}@example.org" for i in range(start, start + n)]


def signature_of(app, email: str):
    """The (signature, person) of this address, or None."""
    with app.app_context():
        return db.session.execute(
            select(Signature, Person)
            .join(Person, Person.id == Signature.person_id)
            .where(Person.email == email)
        ).one_or_none()


def join(app, email: str, **extra) -> None:
    with app.app_context():
        slug = open_campaign(CAMPAIGN).slug
        signing.join(slug, signer(email, **extra), "", may_commit_alone=True)
        db.session.commit()


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


def organizer_tallies(client, query: str = "") -> dict:
    """The campaign's tallies as an organizer reads them: every bucket, however small."""
    return client.get(
        f"/api/v1/campaigns/{CAMPAIGN}/tallies{query}", headers=bearer(client.application, "read")
    ).get_json()


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


def html_page(response, status: int = 200) -> str:
    """A page's HTML, once its status and type are what a browser (or a partner's frame) shows."""
    assert response.status_code == status
    assert response.mimetype == "text/html"
    return response.get_data(as_text=True)


def csp(response) -> dict[str, str]:
    """The response's Content-Security-Policy, directive by directive."""
    policy = response.headers["Content-Security-Policy"]
    return dict(
        (part.strip().split(" ", 1) + [""])[:2] for part in policy.split(";") if part.strip()
    )


def script_data(response, block: str) -> dict:
    """What a page hands its script in ``<script type="application/json" id="{block}">``."""
    html = response.get_data(as_text=True)
    found = re.search(rf'<script type="application/json" id="{block}">(.*?)</script>', html)
    return json.loads(found.group(1))
