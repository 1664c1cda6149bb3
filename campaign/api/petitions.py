"""Petitions: the public read API."""

from flask.views import MethodView
from flask_smorest import Blueprint

from campaign.services import catalog
from schemas.petition import PetitionSchema

blp = Blueprint("petitions", __name__, url_prefix="/api/v1/petitions", description="Petitions")


@blp.route("/<slug>")
class PetitionDetail(MethodView):
    @blp.response(200, PetitionSchema)
    @blp.alt_response(404, description="No published petition has this slug")
    def get(self, slug: str):
        """One published petition with its demands, targets and current count."""
        return catalog.public_petition(slug)
