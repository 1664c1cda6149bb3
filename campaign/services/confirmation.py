"""Confirming signatures by email, for petitions with ``requires_confirmation``.

A signature on such a petition is stored ``pending`` and counts nowhere but in the petition's
``pending`` counter, which organizers see. The signer's transaction queues a confirmation
email in the outbox; the worker makes a fresh token when it sends it, storing only the
token's hash, so no usable token ever sits in the database. Signing again re-queues the email,
at most ``CONFIRMATION_MAX_EMAILS`` times per signature.

The emailed link opens a page (GET, no side effects: mail scanners fetch links) whose form
POSTs the token. Confirming flips ``pending`` to ``counted`` with
``UPDATE ... WHERE status = 'pending' RETURNING``, so of two concurrent confirmations only one
counts, and deletes the signature's tokens, so each is single-use.

Turning confirmation off later leaves pending signatures pending: their links still work, and
a signer who signs again is counted at once. Turning it on leaves counted signatures counted.
"""

import hashlib
import secrets
import unicodedata
from collections.abc import Callable
from datetime import timedelta
from functools import partial

from flask import current_app
from sqlalchemy import delete, func, select, update

from campaign.models import ConfirmationToken, OutboxItem, Person, Petition, Signature
from campaign.models.base import db
from campaign.models.types import utcnow
from campaign.services import (
    counters,
    counting,
    delivery,
    links,
    mailer,
    milestones,
    outbox,
    webhooks,
)

PENDING = counting.PENDING
# The outbox kind of a confirmation email.
KIND = "confirmation"


def token_hash(token: str) -> str:
    # The token carries 256 random bits, so a plain digest cannot be reversed by guessing.
    return hashlib.sha256(token.encode()).hexdigest()


def _ref(signature_id: int) -> str:
    return f"signature:{signature_id}"


def ask_to_confirm(
    petition: Petition, person_id: int, inserted_id: int | None, link_base: str | None = None
) -> None:
    """A signature on a petition needing confirmation was posted: a new one counts as
    pending, and the confirmation email is queued (again, up to the limit); the caller commits.

    ``inserted_id`` is the new pending signature, or None when the person had signed before.
    ``link_base``: where the email's links point when ``PUBLIC_BASE_URL`` is not set (see
    ``links.believed_base_url``); None outside a request.
    """
    if inserted_id is not None:
        counting.count_pending_in(petition.id)
        signature_id = inserted_id
    else:
        row = db.session.execute(
            select(Signature.id, Signature.status).where(
                Signature.petition_id == petition.id, Signature.person_id == person_id
            )
        ).first()
        if row is None or row.status != PENDING:
            return
        signature_id = row.id
    sent = db.session.scalar(
        select(func.count()).select_from(OutboxItem).where(OutboxItem.ref == _ref(signature_id))
    )
    if sent >= current_app.config["CONFIRMATION_MAX_EMAILS"]:
        return
    payload = {"signature_id": signature_id}
    # The worker has no request: it links to the address recorded here (see links).
    if link_base:
        payload["base_url"] = link_base
    outbox.enqueue(
        KIND,
        payload,
        ref=_ref(signature_id),
        person_id=person_id,
    )


def _count_confirmed(signature_id: int) -> Petition | None:
    """Move one pending signature into the counts; its petition, or None if not pending."""
    table = Signature.__table__
    row = db.session.execute(
        update(table)
        .where(table.c.id == signature_id, table.c.status == PENDING)
        .values(status=counting.COUNTED, counted_at=utcnow())
        .returning(*counting.SIGNATURE_RETURNING)
    ).first()
    if row is None:
        return None
    petition = db.session.get(Petition, row.petition_id)
    counting.count_signature_in(petition, row.person_id, row, was_pending=True)
    webhooks.signature_counted(petition, signature_id, row.person_id)
    return petition


def count_unconfirmed(petition: Petition, person_id: int) -> None:
    """Count this person's pending signature on ``petition``, if any, without a confirmation
    (the petition stopped requiring one and they signed again); the caller commits."""
    signature_id = db.session.scalar(
        select(Signature.id).where(
            Signature.petition_id == petition.id,
            Signature.person_id == person_id,
            Signature.status == PENDING,
        )
    )
    if signature_id is not None and _count_confirmed(signature_id) is not None:
        db.session.execute(
            delete(ConfirmationToken).where(ConfirmationToken.signature_id == signature_id)
        )


def _adopt_details(signature_id: int) -> None:
    """The emailed link proved the inbox: the details typed with this signature become the
    person's, and a consent given with it is an opt-in that restores a withdrawn one."""
    signature = db.session.get(Signature, signature_id)
    values = {
        field: getattr(signature, field)
        for field in ("given_name", "family_name", "postal_code", "country", "region")
        if getattr(signature, field)
    }
    if signature.consent:
        values["consent"] = True
    if values:
        db.session.execute(update(Person).where(Person.id == signature.person_id).values(**values))


def lookup(token: str) -> Petition | None:
    """The petition a live token would confirm a signature on; reads only."""
    row = db.session.execute(
        select(Signature.petition_id)
        .join(ConfirmationToken, ConfirmationToken.signature_id == Signature.id)
        .where(
            ConfirmationToken.token_hash == token_hash(token),
            ConfirmationToken.expires_at > utcnow(),
            Signature.status == PENDING,
        )
    ).first()
    return db.session.get(Petition, row.petition_id) if row else None


def confirm(token: str) -> Petition | None:
    """Confirm the signature ``token`` was sent for; its petition, or None when the token is
    unknown, expired or already used."""
    found = db.session.execute(
        select(ConfirmationToken.signature_id, ConfirmationToken.expires_at).where(
            ConfirmationToken.token_hash == token_hash(token)
        )
    ).first()
    if found is None or found.expires_at <= utcnow():
        db.session.rollback()
        return None
    petition = _count_confirmed(found.signature_id)
    db.session.execute(
        delete(ConfirmationToken).where(ConfirmationToken.signature_id == found.signature_id)
    )
    if petition is not None:
        _adopt_details(found.signature_id)
        milestones.record(petition, counters.total(counters.petition_subject(petition.id)))
    return petition


# A name goes into the email only if it cannot carry a message: letters (any script, with
# their combining marks), spaces, hyphens and apostrophes; no digits, dots or slashes (so no
# URL); a few words at most. Anything else gets the neutral greeting.
NAME_MAX_LENGTH = 40
NAME_MAX_WORDS = 3
NAME_PUNCTUATION = frozenset(" -'\u2019")
NEUTRAL_GREETING = "Hello,"


def greeting(name: str) -> str:
    """``Hello <name>,`` for a name that passes the strict check, else ``Hello,``."""
    name = " ".join(name.split())
    plain = (
        0 < len(name) <= NAME_MAX_LENGTH
        and len(name.split(" ")) <= NAME_MAX_WORDS
        and any(unicodedata.category(char).startswith("L") for char in name)
        and all(char in NAME_PUNCTUATION or unicodedata.category(char)[0] in "LM" for char in name)
    )
    return f"Hello {name}," if plain else NEUTRAL_GREETING


def _readied_today(item: OutboxItem, person_id: int) -> int:
    """Confirmation emails to this person (one inbox) a worker readied to go since UTC
    midnight, other than ``item``: delivered, being sent, or to be retried. One whose first
    attempt may have gone out keeps counting, whatever became of it; one dropped before it
    was readied (over the cap, or no longer needed) never counts.

    Counted under a lock on the person's row, held until the caller commits: two workers
    holding emails to one inbox count one after the other, and in READ COMMITTED the count
    after the wait sees the other's commit. NO KEY UPDATE: rows that merely refer to the
    person (new outbox items, outreaches) are not held up."""
    person = select(Person.id).where(Person.id == person_id)
    db.session.execute(person.with_for_update(key_share=True))
    midnight = utcnow().replace(hour=0, minute=0, second=0, microsecond=0)
    return db.session.scalar(
        select(func.count())
        .select_from(OutboxItem)
        .where(
            OutboxItem.kind == KIND,
            OutboxItem.person_id == person_id,
            OutboxItem.prepared_at >= midnight,
            OutboxItem.id != item.id,
        )
    )


def prepare(item: OutboxItem) -> Callable[[], None] | None:
    """The worker's sender, first half: make a token and store its hash in the worker's
    transaction; the send of the email with the link, which the worker calls once it has
    committed the token, so that the link works the moment the email arrives. None when there
    is nothing to send."""
    signature = db.session.get(Signature, item.payload["signature_id"])
    if signature is None or signature.status != PENDING:
        return None  # confirmed, erased or purged since: nothing to send
    if _readied_today(item, signature.person_id) >= current_app.config["CONFIRMATION_MAX_PER_DAY"]:
        # One inbox gets a bounded number of these a day, whatever petitions are signed in
        # its name: the item is done, unsent, and a sign tomorrow may send another.
        return None
    item.prepared_at = utcnow()
    person = db.session.get(Person, signature.person_id)
    petition = db.session.get(Petition, signature.petition_id)
    recorded = item.payload.get("base_url")
    token = secrets.token_urlsafe(32)
    hours = current_app.config["CONFIRMATION_TOKEN_HOURS"]
    db.session.add(
        ConfirmationToken(
            token_hash=token_hash(token),
            signature_id=signature.id,
            created_at=utcnow(),
            expires_at=utcnow() + timedelta(hours=hours),
        )
    )
    # Only the name typed with this signature, and only if it is plainly a name: the email
    # goes out from the campaign's sender to an address anyone may type.
    text = (
        f"{greeting(signature.given_name)}\n\n"
        f"Please confirm your signature on the petition “{petition.title}”.\n"
        "It counts once you confirm, by opening this link and pressing the button:\n\n"
        f"{links.confirm_url(token, recorded)}\n\n"
        f"The link works once and expires in {hours} hours.\n"
        "If you did not sign, ignore this email and nothing will be counted.\n"
    )
    message = mailer.compose(
        to=person.email,
        subject=f"Confirm your signature: {petition.title}",
        text=text,
        unsubscribe_url=links.unsubscribe_url(person.id, recorded),
        key=item.idempotency_key,
    )
    return partial(mailer.send, message)


delivery.register(KIND, prepare=prepare)


def settings_and_counts(petition: Petition) -> dict:
    """Whether ``petition`` requires confirmation, with its counted and pending signatures."""
    subject = counters.petition_subject(petition.id)
    return {
        "petition": petition.slug,
        "requires_confirmation": petition.requires_confirmation,
        "signature_count": counters.total(subject),
        "pending_count": counters.total(subject, PENDING),
    }


def set_required(petition: Petition, required: bool) -> dict:
    """Turn confirmation on or off; see the module notes for what changes."""
    petition.requires_confirmation = required
    return settings_and_counts(petition)
