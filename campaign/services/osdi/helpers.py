"""OSDI's record-signature and person-signup helpers, written through the native services.

A person is matched by canonical email, a signature is one per person per petition and lands
in the same counters as a native signature (``signing.sign``), and a person named in
``add_lists`` joins those campaigns' lists exactly as a native sign-up (``signing.join``).
Without a token these are public writes: a new person is created, a known one is never
changed (what was typed is kept on the signature or sign-up). With an organizer token the
person's stored details are updated from the hash first (``people.upsert``). Without
``add_lists`` person-signup only creates (or, with a token, updates) the person: OSDI's
helper is about the person, and nobody joins a campaign's list unasked.
Tags (``add_tags``) are accepted and ignored; this system keeps no tags.
"""

from sqlalchemy import select

from campaign.models import Campaign, Person, Petition, Signature
from campaign.models.base import db
from campaign.services import catalog, people, published, signing
from campaign.services.errors import Malformed

# OSDI email statuses that say something about consent to be contacted; the others
# (bouncing, spam complaint...) leave the person's consent as it is.
CONSENT_BY_STATUS = {"subscribed": True, "unsubscribed": False}


def primary_index(items: list[dict]) -> int:
    """The position of the item an OSDI list marks primary: the first so marked, else 0."""
    return next((i for i, item in enumerate(items) if item.get("primary")), 0)


def _primary(items: list[dict]) -> dict:
    return items[primary_index(items)] if items else {}


def person_details(person: dict) -> dict:
    """The native details (email, names, postal code, country, region, consent) of an OSDI
    person hash. Fields the hash leaves out are left out, so an update keeps them."""
    email = _primary(person["email_addresses"])
    details = {"email": email["address"]}
    for field in ("given_name", "family_name"):
        if field in person:
            details[field] = person[field]
    address = _primary(person.get("postal_addresses") or [])
    for field in ("postal_code", "country", "region"):
        if field in address:
            details[field] = address[field]
    if email.get("status") in CONSENT_BY_STATUS:
        details["consent"] = CONSENT_BY_STATUS[email["status"]]
    if "given_name" not in details or "family_name" not in details:
        # people.upsert writes both names (the insert half of its statement needs them), so
        # names the hash leaves out are the stored ones, or empty for someone new: OSDI lets
        # a client create or update a person from an email alone.
        # The names alone, not the person: a person loaded now would stay as it is in the
        # session after the upsert, and the answer would show it so.
        known = db.session.execute(
            select(Person.given_name, Person.family_name).where(
                Person.email_canonical == people.canonical_email(details["email"])
            )
        ).first()
        for field in ("given_name", "family_name"):
            details.setdefault(field, getattr(known, field) if known else "")
    return details


def _find_person(email: str) -> Person | None:
    canonical = people.canonical_email(email)
    return db.session.scalar(select(Person).where(Person.email_canonical == canonical))


def record_signature(
    petition: Petition,
    body: dict,
    ip_hash: str,
    *,
    organizer: bool = False,
    link_base: str | None = None,
) -> Signature:
    """Sign ``petition`` for the person in ``body`` and return their signature on it; the
    caller commits.

    ``organizer``: the request carries an organizer token, so the person may be updated.
    ``link_base``: the request's address for a confirmation email's links (``links``).
    """
    details = person_details(body["person"])
    if organizer:
        people.upsert(details)
    if "comments" in body:
        details["comment"] = body["comments"]
    referrer_data = body.get("referrer_data") or {}
    if referrer_data.get("source"):
        details["source"] = referrer_data["source"]
    if referrer_data.get("url"):
        details["referrer"] = referrer_data["url"]
    # Not alone: for an organizer, the person's update above is in the same transaction.
    signing.sign(petition.slug, details, ip_hash, may_commit_alone=False, link_base=link_base)
    return db.session.scalar(
        select(Signature)
        .join(Person, Signature.person_id == Person.id)
        .where(
            Signature.petition_id == petition.id,
            Person.email_canonical == people.canonical_email(details["email"]),
        )
    )


def _campaigns(names: list[str]) -> list[Campaign]:
    """The open campaigns ``add_lists`` names: 400 for a name that is no list, 409 closed."""
    known = set(
        db.session.scalars(
            select(Campaign.slug).where(
                Campaign.slug.in_(names), Campaign.status.in_(published.PUBLIC_STATUSES)
            )
        )
    )
    unknown = [name for name in names if name not in known]
    if unknown:
        raise Malformed(
            "add_lists names lists that do not exist: " + ", ".join(unknown),
            slug="validation",
            errors={"add_lists": [f"No list (campaign) is named {name!r}." for name in unknown]},
        )
    return [catalog.open_campaign(name) for name in dict.fromkeys(names)]


def signup(body: dict, ip_hash: str, *, organizer: bool = False) -> Person:
    """Create the person in ``body`` (or, for an organizer, update them); join the campaigns
    it lists in ``add_lists``. The caller commits."""
    campaigns = _campaigns(body.get("add_lists") or [])
    details = person_details(body["person"])
    # One transaction for the person and every list, so a 2xx means all of it is stored.
    if organizer:
        people.upsert(details)
    else:
        people.insert_or_find(details)
    for campaign in campaigns:
        signing.join(campaign.slug, details, ip_hash, may_commit_alone=False)
    return _find_person(details["email"])
