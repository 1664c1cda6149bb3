"""What a signature, a sign-up and an outreach stand in: their counter keys, counting them in
and taking them out again.

Every path that changes whether an action counts goes through here, so a row is taken out of
exactly the keys it was counted in with: signing (``write_sqlite``; the one PostgreSQL
statement in ``write_statements`` spells the same keys in SQL, named from the constants
here), confirmation, invalidation, erasure, retention, reconciliation and advocacy. Deltas go
to ``counters``, which writes all of a transaction's deltas in one sorted statement when it
commits, so several calls in one transaction still lock counter rows in one global order.

A signature counts in its petition's and demands' totals and in its campaign's signatures,
hour, country, region and source; a pending one only in its petition's ``pending`` count. A
sign-up counts in its campaign's sign-ups; a person once per campaign in ``people``. An
outreach counts in its advocacy campaign's total, target, hour, ZIP per target and state; a
person once per advocacy campaign in ``participants``.
"""

from collections import Counter as Deltas
from collections.abc import Iterable, Mapping
from datetime import datetime
from types import SimpleNamespace

from campaign.models import Outreach, Petition, Signature
from campaign.services import counters, people

# Statuses of signatures and outreaches: only counted rows stand in the public counts.
COUNTED = "counted"
PENDING = "pending"
INVALIDATED = "invalidated"

TOTAL = counters.TOTAL
SIGNATURES = "signatures"
SIGNUPS = "signups"
PEOPLE = "people"
PARTICIPANTS = "participants"
CAMPAIGN_DIMENSIONS = (SIGNATURES, SIGNUPS, PEOPLE, "country", "region", "source", "hour")
ADVOCACY_DIMENSIONS = (TOTAL, PARTICIPANTS, "target", "state", "hour", "zip")

_signatures = Signature.__table__.c
# What a signature row gives back (RETURNING) when it changes status or is deleted: enough
# to take it out of every count it stood in.
SIGNATURE_RETURNING = (
    _signatures.petition_id,
    _signatures.person_id,
    _signatures.status,
    _signatures.country,
    _signatures.region,
    _signatures.source,
    _signatures.counted_at,
    _signatures.created_at,
)
# Likewise for an outreach.
OUTREACH_RETURNING = (
    Outreach.advocacy_campaign_id,
    Outreach.person_id,
    Outreach.status,
    Outreach.target_id,
    Outreach.state,
    Outreach.postal_code,
    Outreach.created_at,
)


def signature_keys(petition: Petition, signature: Signature) -> list[tuple[str, str, str]]:
    """Every (subject, dimension, key) count one counted signature stands in."""
    campaign = counters.campaign_subject(petition.campaign_id)
    keys = [
        (counters.petition_subject(petition.id), TOTAL, ""),
        (campaign, SIGNATURES, ""),
        (campaign, "hour", counters.hour_key(signature.counted_at)),
    ]
    keys += [(counters.demand_subject(d.id), TOTAL, "") for d in petition.demands]
    if signature.country:
        keys.append((campaign, "country", signature.country))
    if signature.region:
        keys.append((campaign, "region", signature.region))
    if signature.source:
        keys.append((campaign, "source", signature.source))
    return keys


def _stored_signature_keys(petition: Petition, row) -> list[tuple[str, str, str]]:
    """The counts a stored, counted signature row (``SIGNATURE_RETURNING``) stands in."""
    signature = SimpleNamespace(
        country=row.country,
        region=row.region,
        source=row.source,
        counted_at=row.counted_at or row.created_at,
    )
    return signature_keys(petition, signature)


def pending_key(petition_id: int) -> tuple[str, str, str]:
    return (counters.petition_subject(petition_id), PENDING, "")


def people_key(campaign_id: int) -> tuple[str, str, str]:
    return (counters.campaign_subject(campaign_id), PEOPLE, "")


def signups_key(campaign_id: int) -> tuple[str, str, str]:
    return (counters.campaign_subject(campaign_id), SIGNUPS, "")


def participants_key(advocacy_id: int) -> tuple[str, str, str]:
    return (counters.advocacy_subject(advocacy_id), PARTICIPANTS, "")


def count_signature_in(petition: Petition, person_id: int, signature, *, was_pending: bool):
    """Add one signature to every count it stands in, and its signer to the campaign's
    people if new there; a signature that was pending leaves the ``pending`` count."""
    deltas = dict.fromkeys(signature_keys(petition, signature), 1)
    if people.join_campaign(petition.campaign_id, person_id):
        deltas[people_key(petition.campaign_id)] = 1
    if was_pending:
        deltas[pending_key(petition.id)] = -1
    counters.add_deltas(deltas)


def count_pending_in(petition_id: int) -> None:
    counters.add([pending_key(petition_id)], +1)


def take_out_signatures(
    rows: Iterable, petitions: Mapping[int, Petition], *, was: str | None = None
) -> None:
    """Take signature rows (``SIGNATURE_RETURNING``) out of the counts they stood in: a
    counted one out of all of them, a pending one out of ``pending``. ``was`` is the status
    the rows had when RETURNING gives the new one (an UPDATE); a DELETE gives the old one."""
    deltas: Deltas = Deltas()
    for row in rows:
        status = was or row.status
        if status == COUNTED:
            for key in _stored_signature_keys(petitions[row.petition_id], row):
                deltas[key] -= 1
        elif status == PENDING:
            deltas[pending_key(row.petition_id)] -= 1
    counters.add_deltas(deltas)


def _minus_one_each(keys: Iterable[tuple[str, str, str]]) -> None:
    deltas: Deltas = Deltas()
    for key in keys:
        deltas[key] -= 1
    counters.add_deltas(deltas)


def take_out_signups(campaign_ids: Iterable[int]) -> None:
    """One sign-up out of its campaign's count for each campaign id given (repeats count)."""
    _minus_one_each(signups_key(c) for c in campaign_ids)


def take_out_people(campaign_ids: Iterable[int]) -> None:
    """One person out of a campaign's people for each campaign id given (repeats count)."""
    _minus_one_each(people_key(c) for c in campaign_ids)


def outreach_keys(advocacy_id: int, target_id: str, state: str, postal_code: str, at: datetime):
    """Every (subject, dimension, key) count one counted outreach stands in."""
    s = counters.advocacy_subject(advocacy_id)
    keys = [
        (s, TOTAL, ""),
        (s, "target", target_id),
        (s, "hour", counters.hour_key(at)),
        (s, "zip", f"{target_id}|{postal_code}"),
    ]
    if state:
        keys.append((s, "state", state))
    return keys


def count_outreaches_in(
    advocacy_id: int, targets: list[dict], postal_code: str, at: datetime, new_participant: bool
) -> None:
    """Add newly recorded outreaches (one per target) to the counts."""
    deltas: Deltas = Deltas()
    for target in targets:
        for key in outreach_keys(advocacy_id, target["id"], target["state"], postal_code, at):
            deltas[key] += 1
    if new_participant:
        deltas[participants_key(advocacy_id)] += 1
    counters.add_deltas(deltas)


def take_out_outreaches(rows: Iterable, *, was: str | None = None) -> None:
    """Take the counted ones of these outreach rows (``OUTREACH_RETURNING``; ``was`` as in
    ``take_out_signatures``) out of the counts they stood in."""
    deltas: Deltas = Deltas()
    for row in rows:
        if (was or row.status) == COUNTED:
            for key in outreach_keys(
                row.advocacy_campaign_id, row.target_id, row.state, row.postal_code, row.created_at
            ):
                deltas[key] -= 1
    counters.add_deltas(deltas)


def take_out_participants(advocacy_ids: Iterable[int]) -> None:
    """One participant out of an advocacy campaign for each id given (repeats count)."""
    _minus_one_each(participants_key(a) for a in advocacy_ids)
