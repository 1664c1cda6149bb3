"""A petition's progress badge as SVG, for emails, social cards and partner pages."""

from flask import Response, current_app, render_template, request
from flask.views import MethodView
from flask_smorest import Blueprint
from werkzeug.http import quote_etag

from campaign.services import catalog, tallies
from campaign.site import widget

blp = Blueprint("badges", __name__, url_prefix="/api/v1/petitions", description="Progress badges")


@blp.route("/<slug>/badge.svg")
class PetitionBadge(MethodView):
    @blp.doc(
        responses={
            "200": {
                "description": "Count and goal drawn as an SVG image; cached like the tally",
                "content": {"image/svg+xml": {"schema": {"type": "string"}}},
            }
        },
        parameters=[
            {
                "name": "lang",
                "in": "query",
                "schema": {"type": "string", "enum": list(widget.LANGUAGES)},
                "description": "The badge's language; else Accept-Language, else English",
            }
        ],
    )
    @blp.alt_response(304, description="The badge has not changed since the ETag sent")
    @blp.alt_response(404, description="No published petition has this slug")
    def get(self, slug: str):
        """A progress badge: the petition's count toward its goal."""
        tally = tallies.petition_tally(slug)
        petition = catalog.find_petition(slug)
        lang = widget.choose_language(request.args.get("lang"), request.accept_languages)
        etag = f"{tally.etag}-{lang}"
        headers = {
            "Cache-Control": tallies.cache_control(current_app.config),
            "ETag": quote_etag(etag),
            "Vary": "Accept-Language",
            # Mail clients and other sites show it as an image.
            "Cross-Origin-Resource-Policy": "cross-origin",
        }
        if request.if_none_match.contains_weak(etag):
            return Response(status=304, headers=headers)
        parts = widget.badge(petition.title, tally.signature_count, tally.goal, lang)
        svg = render_template("embed/badge.svg", **parts)
        return Response(svg, mimetype="image/svg+xml", headers=headers)
