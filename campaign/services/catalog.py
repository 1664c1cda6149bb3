"""Reading campaigns and petitions as the public sees them, with their counts attached."""

from sqlalchemy import select
from sqlalchemy.orm import contains_eager, defer, selectinload

from campaign.models import Campaign, Petition
from campaign.models.base import db
from campaign.services import advocacy, counters, published
from campaign.services.errors import Conflict, NotFound
from campaign.services.published import PUBLIC_STATUSES


def _campaign_query():
    return select(Campaign).options(
        selectinload(Campaign.demands),
        selectinload(Campaign.targets),
        selectinload(Campaign.prisoners),
        selectinload(Campaign.legislation),
        selectinload(Campaign.petitions).selectinload(Petition.demands),
        selectinload(Campaign.petitions).selectinload(Petition.targets),
    )


def attach_counts(campaigns: list[Campaign], drafts: bool = False) -> None:
    """List each campaign's petitions (``listed_petitions``: the public ones, or all with
    ``drafts``) with their ``signature_count``, and set ``signup_count`` on each campaign."""
    for campaign in campaigns:
        campaign.listed_petitions = campaign.petitions if drafts else campaign.public_petitions
    petitions = [p for c in campaigns for p in c.listed_petitions]
    subjects = [counters.petition_subject(p.id) for p in petitions]
    petition_counts = counters.totals(subjects)
    for petition in petitions:
        petition.signature_count = petition_counts[counters.petition_subject(petition.id)]
    campaign_subjects = [counters.campaign_subject(c.id) for c in campaigns]
    signatures = counters.totals(campaign_subjects, "signatures")
    signups = counters.totals(campaign_subjects, "signups")
    for campaign in campaigns:
        subject = counters.campaign_subject(campaign.id)
        campaign.signature_count = signatures[subject]
        campaign.signup_count = signups[subject]
    advocacy.published_in(campaigns)


def public_campaigns(drafts: bool = False) -> list[Campaign]:
    """Published campaigns; with ``drafts`` (organizers) every campaign."""
    campaigns = list(
        db.session.scalars(
            _campaign_query()
            .where(Campaign.status.in_(published.statuses(drafts)))
            .order_by(Campaign.id)
        )
    )
    attach_counts(campaigns, drafts)
    return campaigns


def public_campaign(slug: str, drafts: bool = False) -> Campaign:
    """A published campaign, or with ``drafts`` (organizers) any campaign; 404 otherwise."""
    campaign = db.session.scalar(
        _campaign_query().where(
            Campaign.slug == slug, Campaign.status.in_(published.statuses(drafts))
        )
    )
    if campaign is None:
        raise NotFound(f"No campaign is published under the slug {slug!r}.", slug="not-found")
    attach_counts([campaign], drafts)
    return campaign


def find_petition(slug: str, drafts: bool = False) -> Petition:
    """A petition the public may see (active or closed, in a public campaign), or 404.

    With ``drafts`` (organizers) drafts and petitions of draft campaigns are found too.
    """
    petition = db.session.scalar(
        published.petitions(drafts)
        .options(selectinload(Petition.demands), selectinload(Petition.targets))
        .where(Petition.slug == slug)
    )
    if petition is None and drafts:
        raise NotFound(f"No petition has the slug {slug!r}.", slug="not-found")
    if petition is None:
        raise NotFound(f"No petition is published under the slug {slug!r}.", slug="not-found")
    return petition


def public_petition(slug: str, drafts: bool = False) -> Petition:
    petition = find_petition(slug, drafts)
    petition.signature_count = counters.total(counters.petition_subject(petition.id))
    return petition


def open_petition(slug: str) -> Petition:
    """A petition that takes signatures now, or a problem saying why not.

    Loads what signing needs (campaign, demands) in two queries; every signature runs this.
    """
    petition = db.session.scalar(
        published.petitions()
        .options(
            # The letter is long and signing never reads it.
            contains_eager(Petition.campaign).defer(Campaign.letter_text),
            defer(Petition.text),
            selectinload(Petition.demands),
        )
        .where(Petition.slug == slug)
    )
    if petition is None:
        raise NotFound(f"No petition is published under the slug {slug!r}.", slug="not-found")
    if not petition.is_open:
        raise Conflict(f"The petition {slug!r} is closed to signatures.", slug="petition-closed")
    return petition


def open_campaign(slug: str) -> Campaign:
    """A campaign whose list can be joined now, or a problem saying why not."""
    campaign = db.session.scalar(
        select(Campaign).where(Campaign.slug == slug, Campaign.status.in_(PUBLIC_STATUSES))
    )
    if campaign is None:
        raise NotFound(f"No campaign is published under the slug {slug!r}.", slug="not-found")
    if campaign.status != "active":
        raise Conflict(f"The campaign {slug!r} is closed to sign-ups.", slug="campaign-closed")
    return campaign
