"""Outreach counts kept as counter rows, like signatures: totals, participants, by target,
by state, by hour, and per target by ZIP (organizers only).

What one counted outreach stands in is defined once, in ``outreach_keys``; recording adds
it, invalidation and erasure take it out, reconciliation recomputes it from the rows.
Public tallies fold buckets smaller than ``PUBLIC_MIN_BUCKET`` into ``other``.
"""

from collections.abc import Iterable
from datetime import datetime

from flask import current_app

from campaign.models import AdvocacyCampaign
from campaign.services import counters, tallies

TOTAL = counters.TOTAL
PARTICIPANTS = "participants"
DIMENSIONS = (TOTAL, PARTICIPANTS, "target", "state", "hour", "zip")
OTHER = tallies.OTHER


def subject(advocacy_id: int) -> str:
    return f"advocacy:{advocacy_id}"


def outreach_keys(advocacy_id: int, target_id: str, state: str, postal_code: str, at: datetime):
    """Every (subject, dimension, key) count one counted outreach stands in."""
    s = subject(advocacy_id)
    keys = [
        (s, TOTAL, ""),
        (s, "target", target_id),
        (s, "hour", counters.hour_key(at)),
        (s, "zip", f"{target_id}|{postal_code}"),
    ]
    if state:
        keys.append((s, "state", state))
    return keys


def count(
    advocacy: AdvocacyCampaign,
    targets: list[dict],
    postal_code: str,
    at: datetime,
    new_participant: bool,
) -> None:
    """Add newly recorded outreaches (one per target) to the counts, in one statement."""
    deltas: dict = {}
    for target in targets:
        for key in outreach_keys(advocacy.id, target["id"], target["state"], postal_code, at):
            deltas[key] = deltas.get(key, 0) + 1
    if new_participant:
        deltas[(subject(advocacy.id), PARTICIPANTS, "")] = 1
    counters.add_deltas(deltas)


def totals(advocacy_ids: Iterable[int]) -> dict[int, int]:
    ids = list(advocacy_ids)
    found = counters.totals([subject(i) for i in ids])
    return {i: found[subject(i)] for i in ids}


def public_tallies(advocacy: AdvocacyCampaign, interval: str = "day") -> dict:
    s = subject(advocacy.id)
    minimum = current_app.config["PUBLIC_MIN_BUCKET"]
    return {
        "advocacy_campaign": advocacy.slug,
        "total_outreaches": counters.totals([s])[s],
        "participants": counters.totals([s], PARTICIPANTS)[s],
        "by_target": tallies.ranked(counters.breakdown(s, "target"), "id", minimum),
        "by_state": tallies.ranked(counters.breakdown(s, "state"), "code", minimum),
        "interval": interval,
        "series": tallies.series(counters.breakdown(s, "hour"), interval),
    }
