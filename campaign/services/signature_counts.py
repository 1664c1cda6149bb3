"""What one counted signature stands in: its counter keys, and adding it to them.

Signing counts a signature in its own statement; confirmation counts a pending one here;
invalidation, erasure and reconciliation take the same keys to count it out or recount.
"""

from campaign.models import Petition, Signature
from campaign.services import counters, people


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
