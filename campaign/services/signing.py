"""Signing a petition and joining a campaign's list: one transaction each, counted exactly.

The public writes never change a stored person (see ``people``) and answer the same for a new
and a repeat signer: the receipt carries no count. On PostgreSQL each write is one statement
(``write_statements``); SQLite, which has no data-modifying CTEs, runs the same steps as a
few statements (``write_sqlite``).
Both return a ``Written`` row, and what follows (confirmation email, webhooks, milestones)
is shared. The caller commits; a caller with nothing else for the transaction lets the
PostgreSQL statement run alone instead (``may_commit_alone``).
"""

from dataclasses import dataclass
from types import SimpleNamespace

from campaign.models import Campaign, Petition
from campaign.models.base import db
from campaign.models.types import utcnow
from campaign.services import (
    catalog,
    confirmation,
    counters,
    counting,
    dialect,
    milestones,
    people,
    webhooks,
    write_cache,
    write_sqlite,
    write_statements,
)
from campaign.services.errors import Conflict


@dataclass(frozen=True)
class Written:
    """What one public signature statement did (None where it did not apply)."""

    petition_id: int
    campaign_id: int
    goal: int
    pending: bool
    person_id: int
    signature_id: int | None
    earlier_status: str | None
    count_before: int


def _values(details: dict, ip_hash: str, now) -> dict:
    values = people.new_person_values(details, now)
    values.update(
        comment=details.get("comment") or "",
        source=details.get("source") or "",
        referrer=details.get("referrer") or "",
        ip_hash=ip_hash,
        now=now,
        hour=counters.hour_key(now),
    )
    return values


def _postgres() -> bool:
    return db.engine.dialect.name == "postgresql"


def _alone(may_commit_alone: bool, event: str) -> bool:
    """Whether the write statement runs alone, as its own transaction (autocommit: no BEGIN
    or COMMIT round trip): only when the caller adds nothing to the transaction (no
    idempotency record), no webhook row must be queued with it and no transaction is open."""
    if not may_commit_alone or write_cache.webhook_ids(event):
        return False
    # Checked after the look-up, which may itself have begun a transaction.
    return not db.session().in_transaction()


def _run(statement, values: dict, alone: bool):
    params = {**values, "alone": alone, "shard": counters.shard()}
    if alone:
        return dialect.run_alone(statement, params)
    return db.session.execute(statement, params).first()


def _sign_postgres(slug: str, values: dict, alone: bool) -> Written | None:
    row = _run(write_statements.SIGN, {**values, "slug": slug}, alone)
    return Written(*row) if row is not None else None


def _refuse_petition(slug: str) -> None:
    """Answer why ``slug`` takes no signatures (404 or 409), after the write found it shut."""
    db.session.rollback()
    catalog.open_petition(slug)
    raise Conflict(f"The petition {slug!r} is closed to signatures.", slug="petition-closed")


def sign(
    slug: str,
    details: dict,
    ip_hash: str,
    *,
    honeypot: bool = False,
    may_commit_alone: bool,
    link_base: str | None = None,
):
    """Record ``details`` as a signature on the petition ``slug``; the receipt.

    The caller commits, like every service's. ``may_commit_alone``: the caller adds nothing
    to the transaction (no idempotency record, no other write), so on PostgreSQL the one
    statement may run alone in autocommit as its own transaction, saving the BEGIN and
    COMMIT round trips on the busiest write (see ``_alone``); what may follow it (a
    milestone reached) still goes in the session, for the caller's commit.

    ``honeypot=True`` (the form's trap field was filled) records nothing and answers exactly
    as if it had.
    ``link_base``: the request's address for a confirmation email's links (``links``).
    """
    if honeypot:
        petition = catalog.open_petition(slug)
        return {"petition": petition.slug, "goal": petition.goal}
    values = _values(details, ip_hash, utcnow())
    if _postgres():
        alone = _alone(may_commit_alone, "signature.counted")
        written = _sign_postgres(slug, values, alone)
        if alone and written is not None and written.pending:
            # Alone, the statement did nothing: a signature that needs confirmation is written
            # in one transaction with its confirmation email.
            written = _sign_postgres(slug, values, alone=False)
    else:
        row = write_sqlite.sign(slug, values)
        written = Written(*row) if row is not None else None
    if written is None:
        _refuse_petition(slug)
    _after_signing(slug, written, link_base)
    return {"petition": slug, "goal": written.goal}


def _after_signing(slug: str, written: Written, link_base: str | None) -> None:
    petition = SimpleNamespace(id=written.petition_id, goal=written.goal)
    if written.pending:
        confirmation.ask_to_confirm(petition, written.person_id, written.signature_id, link_base)
        return
    if written.signature_id is None and written.earlier_status == counting.PENDING:
        # Confirmation was turned off after this person signed: signing again counts it.
        confirmation.count_unconfirmed(petition, written.person_id)
        return
    added = 1 if written.signature_id is not None else 0
    milestones.record(petition, written.count_before + added)
    if added and write_cache.webhook_ids("signature.counted"):
        webhooks.signature_counted(
            db.session.get(Petition, written.petition_id), written.signature_id, written.person_id
        )


def join(slug: str, details: dict, ip_hash: str, *, honeypot: bool = False, may_commit_alone: bool):
    """Add the person in ``details`` to the campaign ``slug``'s list; the receipt. The
    caller commits; ``may_commit_alone`` as for ``sign``."""
    if honeypot:
        return {"campaign": catalog.open_campaign(slug).slug}
    values = _values(details, ip_hash, utcnow())
    if _postgres():
        alone = _alone(may_commit_alone, "signup.created")
        row = _run(write_statements.JOIN, {**values, "slug": slug}, alone)
    else:
        row = write_sqlite.join(slug, values)
    if row is None:
        db.session.rollback()
        catalog.open_campaign(slug)
        raise Conflict(f"The campaign {slug!r} is closed to sign-ups.", slug="campaign-closed")
    campaign_id, person_id, signup_id = row
    if signup_id is not None and write_cache.webhook_ids("signup.created"):
        webhooks.signup_created(db.session.get(Campaign, campaign_id), signup_id, person_id)
    return {"campaign": slug}
