"""Tallies: a petition's cacheable public counter and a campaign's aggregate breakdowns."""

from flask import Response, current_app, request
from flask.views import MethodView
from flask_smorest import Blueprint
from werkzeug.http import quote_etag

from campaign.api.auth import optional_scope
from campaign.extensions import rest_api
from campaign.services import tallies
from schemas.tally import TalliesQuerySchema, TalliesSchema, TallySchema

blp = Blueprint("tallies", __name__, url_prefix="/api/v1", description="Counts and breakdowns")


@blp.route("/petitions/<slug>/tally")
class PetitionTally(MethodView):
    @blp.response(200, TallySchema)
    @blp.alt_response(304, description="The tally has not changed since the ETag sent")
    @blp.alt_response(404, description="No published petition has this slug")
    def get(self, slug: str):
        """A petition's live count and goal: cheap, HTTP-cacheable, with an ETag."""
        tally = tallies.petition_tally(slug)
        headers = {
            "Cache-Control": tallies.cache_control(current_app.config),
            "ETag": quote_etag(tally.etag),
            # CORS headers differ by Origin; shared caches must keep one copy per Origin.
            "Vary": "Origin",
        }
        # If-None-Match compares weakly (RFC 9110), so a proxy's W/ form matches too.
        if request.if_none_match.contains_weak(tally.etag):
            return Response(status=304, headers=headers)
        return tally, headers


@blp.route("/campaigns/<slug>/tallies")
class CampaignTallies(MethodView):
    @blp.arguments(TalliesQuerySchema(), location="query", as_kwargs=True)
    @blp.response(200, TalliesSchema)
    @blp.alt_response(404, description="No published campaign has this slug")
    def get(self, slug: str, **query):
        """Aggregate counts: per petition and demand, sign-ups, people, by place, source, time.

        Publicly, `by_country`, `by_region` and `by_source` fold buckets under
        `PUBLIC_MIN_BUCKET` (and regions past the 50 largest) into one `other` row; with an
        organizer token (scope: read) every bucket is shown."""
        if optional_scope("read"):
            body = tallies.campaign_tallies(slug, **query)
            return body, {"Cache-Control": "private, no-store", "Vary": "Origin, Authorization"}
        body = tallies.campaign_tallies(
            slug,
            **query,
            min_bucket=current_app.config["PUBLIC_MIN_BUCKET"],
            max_regions=tallies.MAX_PUBLIC_REGIONS,
        )
        cache = tallies.cache_control(current_app.config)
        return body, {"Cache-Control": cache, "Vary": "Origin, Authorization"}


def register(app) -> None:
    rest_api.register_blueprint(blp)
