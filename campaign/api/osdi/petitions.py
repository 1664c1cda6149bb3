"""OSDI petitions: the collection and one petition, for organizers."""

from flask.views import MethodView

from campaign.api.osdi.blueprint import HAL_JSON, blp, organizer_read
from campaign.services.osdi import reads
from schemas.osdi import OsdiListArgsSchema, OsdiPetitionPageSchema, OsdiPetitionSchema


@blp.route("/petitions")
class Petitions(MethodView):
    @organizer_read
    @blp.arguments(OsdiListArgsSchema, location="query", error_status_code=400)
    @blp.response(200, OsdiPetitionPageSchema, content_type=HAL_JSON)
    def get(self, args):
        """Every petition, drafts included, 25 a page, with its kept signature count."""
        return reads.petitions_page(args["page"], args["per_page"], args.get("filter"))


@blp.route("/petitions/<slug>")
class PetitionResource(MethodView):
    @organizer_read
    @blp.response(200, OsdiPetitionSchema, content_type=HAL_JSON)
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, slug: str):
        """One petition, by the id after the system prefix of its identifier."""
        return reads.petition(slug)
