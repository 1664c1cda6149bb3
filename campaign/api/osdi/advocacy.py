"""OSDI advocacy campaigns and outreaches, and the record-outreach helper."""

from flask.views import MethodView

from campaign.api.osdi.blueprint import (
    HAL_JSON,
    authenticated,
    blp,
    optional_reader,
    organizer_read,
)
from campaign.api.osdi.hal import collection, person_path
from campaign.api.osdi.hal_advocacy import campaign_doc, campaign_path, outreach_doc
from campaign.ratelimit import client_address, write_limits
from campaign.services import people
from campaign.services.osdi import advocacy
from schemas.osdi import OsdiListArgsSchema
from schemas.osdi_advocacy import (
    OsdiAdvocacyCampaignPageSchema,
    OsdiAdvocacyCampaignSchema,
    OsdiOutreachPageSchema,
    OsdiOutreachSchema,
    OsdiRecordOutreachSchema,
)


@blp.route("/advocacy_campaigns")
class AdvocacyCampaigns(MethodView):
    @organizer_read
    @blp.arguments(OsdiListArgsSchema(), location="query", error_status_code=400)
    @blp.response(200, OsdiAdvocacyCampaignPageSchema, content_type=HAL_JSON)
    def get(self, args):
        """Every advocacy campaign (letters and calls), drafts included, 25 a page."""
        filter_text = args.get("filter")
        result, totals = advocacy.campaigns_page(args["page"], args["per_page"], filter_text)
        items = [campaign_doc(a, totals[a.id]) for a in result.items]
        path = "/advocacy_campaigns"
        return collection("advocacy_campaigns", path, result, items, {"filter": filter_text})


@blp.route("/advocacy_campaigns/<slug>")
class AdvocacyCampaignResource(MethodView):
    @organizer_read
    @blp.response(200, OsdiAdvocacyCampaignSchema, content_type=HAL_JSON)
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, slug: str):
        """One advocacy campaign with its kept outreach count."""
        return campaign_doc(*advocacy.campaign(slug))


@blp.route("/advocacy_campaigns/<slug>/outreaches")
class AdvocacyOutreaches(MethodView):
    @organizer_read
    @blp.arguments(OsdiListArgsSchema(), location="query", error_status_code=400)
    @blp.response(200, OsdiOutreachPageSchema, content_type=HAL_JSON)
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, args, slug: str):
        """The campaign's counted outreaches (one per person and target), oldest first."""
        filter_text = args.get("filter")
        item, result = advocacy.outreaches_page(slug, args["page"], args["per_page"], filter_text)
        items = [outreach_doc(o, item) for o in result.items]
        path = f"{campaign_path(item)}/outreaches"
        return collection("outreaches", path, result, items, {"filter": filter_text})

    @write_limits("OUTREACH_RATE_LIMIT", exempt_organizers=True)
    @optional_reader
    @blp.arguments(OsdiRecordOutreachSchema(), error_status_code=400)
    @blp.response(200, OsdiOutreachSchema, content_type=HAL_JSON)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT", description="The advocacy campaign is closed")
    @blp.alt_response(422, description="No targets for the person's postal address")
    @blp.alt_response(429, response="TOO_MANY_REQUESTS")
    def post(self, body, slug: str):
        """The record-outreach helper: the person (postal address gives the ZIP) writes to
        or calls each target, once per target, counted like a native outreach.

        Without a token the answer is `{}` (a blind post, under OUTREACH_RATE_LIMIT, shared
        with the native endpoint); with a read token it is the (first) outreach.
        """
        found = advocacy.record(
            slug, body, people.hash_address(client_address()), organizer=authenticated()
        )
        if not authenticated():
            return {}
        return outreach_doc(found, found.advocacy_campaign)


@blp.route("/advocacy_campaigns/<slug>/outreaches/<int:outreach_id>")
class AdvocacyOutreach(MethodView):
    @organizer_read
    @blp.response(200, OsdiOutreachSchema, content_type=HAL_JSON)
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, slug: str, outreach_id: int):
        """One counted outreach of the campaign."""
        found = advocacy.outreach(slug, outreach_id)
        return outreach_doc(found, found.advocacy_campaign)


@blp.route("/people/<int:person_id>/outreaches")
class PersonOutreaches(MethodView):
    @organizer_read
    @blp.arguments(OsdiListArgsSchema(), location="query", error_status_code=400)
    @blp.response(200, OsdiOutreachPageSchema, content_type=HAL_JSON)
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, args, person_id: int):
        """The person's counted outreaches in any advocacy campaign, 25 a page."""
        filter_text = args.get("filter")
        found, result = advocacy.person_outreaches_page(
            person_id, args["page"], args["per_page"], filter_text
        )
        items = [outreach_doc(o, o.advocacy_campaign) for o in result.items]
        path = f"{person_path(found.id)}/outreaches"
        return collection("outreaches", path, result, items, {"filter": filter_text})


@blp.route("/people/<int:person_id>/outreaches/<int:outreach_id>")
class PersonOutreach(MethodView):
    @organizer_read
    @blp.response(200, OsdiOutreachSchema, content_type=HAL_JSON)
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, person_id: int, outreach_id: int):
        """One of the person's counted outreaches."""
        found = advocacy.outreach("", outreach_id, person_id=person_id)
        return outreach_doc(found, found.advocacy_campaign)
