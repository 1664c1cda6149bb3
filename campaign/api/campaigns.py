"""Campaigns: the public read API."""

from flask.views import MethodView
from flask_smorest import Blueprint

from campaign.services import catalog
from schemas.campaign import CampaignListSchema, CampaignSchema

blp = Blueprint(
    "campaigns", __name__, url_prefix="/api/v1/campaigns", description="Campaigns and their content"
)


@blp.route("")
class Campaigns(MethodView):
    @blp.response(200, CampaignListSchema)
    def get(self):
        """List published campaigns with their demands, targets, prisoners and petitions."""
        return {"data": catalog.public_campaigns()}


@blp.route("/<slug>")
class CampaignDetail(MethodView):
    @blp.response(200, CampaignSchema)
    @blp.alt_response(404, description="No published campaign has this slug")
    def get(self, slug: str):
        """One published campaign with its letter, demands, targets, prisoners and petitions."""
        return catalog.public_campaign(slug)
