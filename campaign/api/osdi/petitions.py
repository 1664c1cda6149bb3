"""OSDI petitions: the collection and one petition, for organizers."""

from flask.views import MethodView

from campaign.api.osdi.blueprint import HAL_JSON, blp, organizer_read
from campaign.api.osdi.hal import collection, petition
from campaign.services.osdi import reads
from schemas.osdi import OsdiListArgsSchema, OsdiPetitionPageSchema, OsdiPetitionSchema


@blp.route("/petitions")
class Petitions(MethodView):
    @organizer_read
    @blp.arguments(OsdiListArgsSchema(), location="query", error_status_code=400)
    @blp.response(200, OsdiPetitionPageSchema, content_type=HAL_JSON)
    def get(self, args):
        """Every petition, drafts included, 25 a page, with its kept signature count."""
        result, totals = reads.petitions_page(args["page"], args["per_page"], args.get("filter"))
        items = [petition(p, totals[p.id]) for p in result.items]
        return collection("petitions", "/petitions", result, items, {"filter": args.get("filter")})


@blp.route("/petitions/<slug>")
class PetitionResource(MethodView):
    @organizer_read
    @blp.response(200, OsdiPetitionSchema, content_type=HAL_JSON)
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, slug: str):
        """One petition, by the id after the system prefix of its identifier."""
        return petition(*reads.petition(slug))
