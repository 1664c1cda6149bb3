"""What the public may see: the statuses a campaign, petition or advocacy campaign is
published in, and the one query for a petition that is published (or, for organizers, any).
"""

from sqlalchemy import Select, select

from campaign.models import Campaign, Petition
from campaign.models.content import CAMPAIGN_STATUSES

PUBLIC_STATUSES = ("active", "closed")
# What organizers' reads show: drafts as well, each marked by its status.
ALL_STATUSES = CAMPAIGN_STATUSES


def statuses(drafts: bool) -> tuple[str, ...]:
    return ALL_STATUSES if drafts else PUBLIC_STATUSES


def petitions(drafts: bool = False) -> Select:
    """Petitions the public may see: their own status and their campaign's published; with
    ``drafts`` (organizers), every petition."""
    shown = statuses(drafts)
    return (
        select(Petition)
        .join(Petition.campaign)
        .where(Petition.status.in_(shown), Campaign.status.in_(shown))
    )
