"""Petitions: the public read API (organizers' tokens show drafts too)."""

from flask.views import MethodView
from flask_smorest import Blueprint

from campaign.api.reads import cacheable, include_drafts, organizer_reads
from campaign.services import catalog
from schemas.petition import PetitionSchema

blp = Blueprint("petitions", __name__, url_prefix="/api/v1/petitions", description="Petitions")


@blp.route("/<slug>")
class PetitionDetail(MethodView):
    @organizer_reads(blp, PetitionSchema, not_found="No published petition has this slug")
    def get(self, slug: str):
        """One published petition with its demands, targets and current count.

        With an organizer token (any scope) a draft petition, or one in a draft campaign,
        is shown too, marked by `status`.
        """
        drafts = include_drafts()
        petition = catalog.public_petition(slug, drafts=drafts)
        return cacheable(PetitionSchema(), petition, private=drafts)
