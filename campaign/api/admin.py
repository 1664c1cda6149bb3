"""Organizer writes: edit campaigns and petitions, set prisoner status, invalidate signatures."""

from flask.views import MethodView
from flask_smorest import Blueprint

from campaign.api.security import organizer
from campaign.services import admin
from schemas.organizer import (
    CampaignEditSchema,
    InvalidationFilterSchema,
    InvalidationSchema,
    OrganizerCampaignSchema,
    OrganizerPetitionSchema,
    OrganizerPrisonerSchema,
    PetitionEditSchema,
    PrisonerEditSchema,
)

blp = Blueprint(
    "admin",
    __name__,
    url_prefix="/api/v1",
    description="Organizers: edit campaigns, petitions and prisoners; invalidate signatures",
)


@blp.route("/campaigns/<slug>")
class CampaignEdit(MethodView):
    @organizer(blp, "manage")
    @blp.arguments(CampaignEditSchema())
    @blp.response(200, OrganizerCampaignSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    def patch(self, changes: dict, slug: str):
        """Change a campaign's title, summary, goal or status (scope: manage)."""
        return admin.edit_campaign(slug, changes)


@blp.route("/petitions/<slug>")
class PetitionEdit(MethodView):
    @organizer(blp, "manage")
    @blp.arguments(PetitionEditSchema())
    @blp.response(200, OrganizerPetitionSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    def patch(self, changes: dict, slug: str):
        """Change a petition's title, text, goal or status (scope: manage)."""
        return admin.edit_petition(slug, changes)


@blp.route("/campaigns/<slug>/prisoners/<prisoner_slug>")
class PrisonerEdit(MethodView):
    @organizer(blp, "manage")
    @blp.arguments(PrisonerEditSchema())
    @blp.response(200, OrganizerPrisonerSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    def patch(self, changes: dict, slug: str, prisoner_slug: str):
        """Mark a prisoner detained or released; the public campaign shows it (scope: manage)."""
        return admin.set_prisoner_status(slug, prisoner_slug, changes["status"])


@blp.route("/petitions/<slug>/signatures/<int:signature_id>/invalidate")
class SignatureInvalidation(MethodView):
    @organizer(blp, "manage")
    @blp.response(200, InvalidationSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    def post(self, slug: str, signature_id: int):
        """Take one signature out of every count; 0 if it was already out (scope: manage)."""
        return admin.invalidate_signature(slug, signature_id)


@blp.route("/petitions/<slug>/signatures/invalidate")
class BulkInvalidation(MethodView):
    @organizer(blp, "manage")
    @blp.arguments(InvalidationFilterSchema())
    @blp.response(200, InvalidationSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    def post(self, filters: dict, slug: str):
        """Take every counted signature matching all the filters out of every count
        (scope: manage)."""
        return admin.invalidate_matching(slug, **filters)
