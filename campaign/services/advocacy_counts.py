"""Outreach counts kept as counter rows, like signatures: totals, participants, by target,
by state, by hour, and per target by ZIP (organizers only).

What one counted outreach stands in is defined once, in ``counting``, with signatures and
sign-ups: recording adds it, invalidation and erasure take it out, reconciliation recomputes
it from the rows.
Public tallies fold buckets smaller than ``PUBLIC_MIN_BUCKET`` into ``other``.
"""

from collections.abc import Iterable

from flask import current_app

from campaign.models import AdvocacyCampaign
from campaign.services import counters, counting, tallies


def totals(advocacy_ids: Iterable[int]) -> dict[int, int]:
    ids = list(advocacy_ids)
    found = counters.totals([counters.advocacy_subject(i) for i in ids])
    return {i: found[counters.advocacy_subject(i)] for i in ids}


def public_tallies(advocacy: AdvocacyCampaign, interval: str = "day") -> dict:
    s = counters.advocacy_subject(advocacy.id)
    minimum = current_app.config["PUBLIC_MIN_BUCKET"]
    return {
        "advocacy_campaign": advocacy.slug,
        "total_outreaches": counters.total(s),
        "participants": counters.total(s, counting.PARTICIPANTS),
        "by_target": tallies.ranked(counters.breakdown(s, "target"), "id", minimum),
        "by_state": tallies.ranked(counters.breakdown(s, "state"), "code", minimum),
        "interval": interval,
        "series": tallies.series(counters.breakdown(s, "hour"), interval),
    }
