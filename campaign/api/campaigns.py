"""Campaigns: the public read API (organizers' tokens show drafts too)."""

from flask.views import MethodView
from flask_smorest import Blueprint

from campaign.api.reads import cacheable, include_drafts, organizer_reads
from campaign.services import catalog
from schemas.campaign import CampaignListSchema, CampaignSchema

blp = Blueprint(
    "campaigns", __name__, url_prefix="/api/v1/campaigns", description="Campaigns and their content"
)


@blp.route("")
class Campaigns(MethodView):
    @organizer_reads(blp, CampaignListSchema, not_found=None)
    def get(self):
        """List published campaigns with their demands, targets, prisoners and petitions.

        With an organizer token (any scope) drafts are listed too, marked by `status`.
        """
        drafts = include_drafts()
        data = {"data": catalog.public_campaigns(drafts=drafts)}
        return cacheable(CampaignListSchema(), data, private=drafts)


@blp.route("/<slug>")
class CampaignDetail(MethodView):
    @organizer_reads(blp, CampaignSchema, not_found="No published campaign has this slug")
    def get(self, slug: str):
        """One published campaign with its letter, demands, targets, prisoners and petitions.

        With an organizer token (any scope) a draft campaign is shown too, and every
        petition of the campaign, drafts included, each marked by `status`.
        """
        drafts = include_drafts()
        campaign = catalog.public_campaign(slug, drafts=drafts)
        return cacheable(CampaignSchema(), campaign, private=drafts)
