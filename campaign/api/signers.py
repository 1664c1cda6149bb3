"""Organizer reads: a petition's signers and a campaign's sign-ups, as pages and as CSV."""

from flask import Response, stream_with_context
from flask.views import MethodView
from flask_smorest import Blueprint

from campaign.api.security import organizer
from campaign.services import admin, catalog, exports
from schemas.organizer import (
    PageArgsSchema,
    SignatureCsvArgsSchema,
    SignatureListArgsSchema,
    SignerPageSchema,
    SignupCsvArgsSchema,
    SignupPageSchema,
)

blp = Blueprint(
    "signers",
    __name__,
    url_prefix="/api/v1",
    description="Organizers: signers and sign-ups, paged and exported (Bearer token)",
)

CSV_DOC = {"type": "string", "description": "RFC 4180 CSV, UTF-8; formula cells start with '"}


def csv_response(chunks, filename: str) -> Response:
    response = Response(stream_with_context(chunks), mimetype="text/csv")
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    # Personal data: no shared cache may keep it.
    response.headers["Cache-Control"] = "no-store"
    return response


@blp.route("/petitions/<slug>/signatures")
class PetitionSigners(MethodView):
    @organizer(blp, "read")
    @blp.arguments(SignatureListArgsSchema(), location="query", as_kwargs=True)
    @blp.response(200, SignerPageSchema)
    def get(self, slug: str, **args):
        """A page of the petition's signers in the order they signed (scope: read)."""
        return exports.signature_page(catalog.find_petition(slug, drafts=True), **args)


@blp.route("/petitions/<slug>/signatures.csv")
class PetitionSignersCsv(MethodView):
    @organizer(blp, "export")
    @blp.arguments(SignatureCsvArgsSchema(), location="query", as_kwargs=True)
    @blp.response(200, CSV_DOC, content_type="text/csv")
    def get(self, slug: str, **args):
        """Every signer of the petition as a streamed CSV file (scope: export)."""
        petition = catalog.find_petition(slug, drafts=True)
        return csv_response(exports.signatures_csv(petition, **args), f"{slug}-signatures.csv")


@blp.route("/campaigns/<slug>/signups")
class CampaignSignups(MethodView):
    @organizer(blp, "read")
    @blp.arguments(PageArgsSchema(), location="query", as_kwargs=True)
    @blp.response(200, SignupPageSchema)
    def get(self, slug: str, **args):
        """A page of the campaign's sign-ups in the order they joined (scope: read)."""
        return exports.signup_page(admin.find_campaign(slug), **args)


@blp.route("/campaigns/<slug>/signups.csv")
class CampaignSignupsCsv(MethodView):
    @organizer(blp, "export")
    @blp.arguments(SignupCsvArgsSchema(), location="query", as_kwargs=True)
    @blp.response(200, CSV_DOC, content_type="text/csv")
    def get(self, slug: str, **args):
        """Every sign-up of the campaign as a streamed CSV file (scope: export)."""
        campaign = admin.find_campaign(slug)
        return csv_response(exports.signups_csv(campaign, **args), f"{slug}-signups.csv")
