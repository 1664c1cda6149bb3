"""Organizers' advocacy campaigns: create and edit (scope manage), the office report and the
letters for hand delivery (read / export)."""

from flask.views import MethodView
from flask_smorest import Blueprint

from campaign.api.security import organizer
from campaign.api.signers import CSV_DOC, csv_response
from campaign.services import advocacy_admin, advocacy_integrity
from schemas.advocacy import (
    AdvocacyCampaignSchema,
    AdvocacyCreateSchema,
    AdvocacyEditSchema,
    OutreachInvalidationSchema,
    ReportSchema,
)

blp = Blueprint(
    "advocacy_admin",
    __name__,
    url_prefix="/api/v1",
    description="Organizers: advocacy campaigns, office reports, letters for hand delivery",
)


@blp.route("/campaigns/<slug>/advocacy-campaigns")
class AdvocacyCreate(MethodView):
    @organizer(blp, "manage")
    @blp.arguments(AdvocacyCreateSchema())
    @blp.response(201, AdvocacyCampaignSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, description="The slug is taken")
    def post(self, data: dict, slug: str):
        """Create an advocacy campaign in the campaign, fixed targets included (scope: manage)."""
        return advocacy_admin.create(slug, data)


@blp.route("/advocacy-campaigns/<slug>")
class AdvocacyEdit(MethodView):
    @organizer(blp, "manage")
    @blp.arguments(AdvocacyEditSchema())
    @blp.response(200, AdvocacyCampaignSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, description="The slug is taken")
    def patch(self, changes: dict, slug: str):
        """Change an advocacy campaign; `targets` replaces the fixed targets (scope: manage)."""
        return advocacy_admin.edit(slug, changes)


@blp.route("/advocacy-campaigns/<slug>/report")
class Report(MethodView):
    @organizer(blp, "read")
    @blp.response(200, ReportSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, slug: str):
        """The office report: per target, letters and calls in all and by ZIP (scope: read)."""
        return advocacy_admin.report(slug)


@blp.route("/advocacy-campaigns/<slug>/report.csv")
class ReportCsv(MethodView):
    @organizer(blp, "export")
    @blp.response(200, CSV_DOC, content_type="text/csv")
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, slug: str):
        """The office report as CSV, one row per target and ZIP (scope: export)."""
        return csv_response(advocacy_admin.report_csv(slug), f"{slug}-report.csv")


@blp.route("/advocacy-campaigns/<slug>/outreaches.csv")
class LettersCsv(MethodView):
    @organizer(blp, "export")
    @blp.response(200, CSV_DOC, content_type="text/csv")
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, slug: str):
        """Every outreach with its letter, for hand delivery; streamed (scope: export)."""
        row = advocacy_admin.find(slug)
        return csv_response(advocacy_admin.letters_csv(row.slug), f"{slug}-letters.csv")


@blp.route("/advocacy-campaigns/<slug>/outreaches/<int:outreach_id>/invalidate")
class OutreachInvalidation(MethodView):
    @organizer(blp, "manage")
    @blp.response(200, OutreachInvalidationSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    def post(self, slug: str, outreach_id: int):
        """Take one outreach out of every count; 0 if it was already out (scope: manage)."""
        return advocacy_integrity.invalidate(advocacy_admin.find(slug), outreach_id)
