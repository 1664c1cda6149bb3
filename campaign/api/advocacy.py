"""Advocacy campaigns, public side: read one, look up the constituent's targets, record a
letter or call, and the public tallies."""

from flask import request
from flask.views import MethodView
from flask_smorest import Blueprint

from campaign.api.actions import (
    ACTION_PARAMETERS,
    document_refusals,
    honeypot_filled,
    idempotency_key,
)
from campaign.ratelimit import client_address, write_limits
from campaign.services import advocacy, advocacy_counts, idempotency, people, targeting
from schemas.advocacy import (
    AdvocacyCampaignSchema,
    AdvocacyTalliesSchema,
    LookupArgsSchema,
    LookupSchema,
    OutreachInputSchema,
    OutreachReceiptSchema,
)
from schemas.tally import IntervalQuerySchema

blp = Blueprint(
    "advocacy",
    __name__,
    url_prefix="/api/v1/advocacy-campaigns",
    description="Letters and calls to constituents' senators and representatives, or to "
    "fixed targets",
)


@blp.route("/<slug>")
class AdvocacyCampaignDetail(MethodView):
    @blp.response(200, AdvocacyCampaignSchema)
    @blp.alt_response(404, description="No published advocacy campaign has this slug")
    def get(self, slug: str):
        """One published advocacy campaign with its letter or script and its total."""
        return advocacy.with_total(advocacy.public_advocacy(slug))


@blp.route("/<slug>/targets")
class Targets(MethodView):
    @blp.arguments(LookupArgsSchema(), location="query")
    @blp.response(200, LookupSchema)
    @blp.alt_response(404, description="No published advocacy campaign has this slug")
    def get(self, args: dict, slug: str):
        """Who a constituent at this ZIP writes to or calls.

        A ZIP spanning two states (or, for House campaigns, two districts) lists every
        member it could mean with `ambiguous: true`. ZIP+4 is accepted. DC, territories and
        addresses outside the U.S. get no targets and a `reason`; a postal code that is not
        a U.S. ZIP, or one the data does not know, is a 422 naming `postal_code`.
        """
        found = advocacy.public_advocacy(slug)
        return targeting.lookup(found, args["postal_code"], args["country"])


@blp.route("/<slug>/outreaches")
class Outreaches(MethodView):
    @write_limits("OUTREACH_RATE_LIMIT")
    @blp.arguments(OutreachInputSchema())
    @blp.response(201, OutreachReceiptSchema)
    @blp.alt_response(404, description="No published advocacy campaign has this slug")
    @blp.alt_response(409, description="The advocacy campaign is closed")
    @blp.alt_response(429, description="Over a rate limit; see Retry-After")
    @blp.doc(parameters=ACTION_PARAMETERS)
    @document_refusals(blp)
    def post(self, details: dict, slug: str):
        """Record a letter or call to each target (all the lookup offers, or `targets`).

        The answer is 201 with, per target, how to reach the office and the letter to paste,
        the same whether or not this person had written before. Congressional offices get no
        automatic submission; fixed targets with an email get the letter by email.
        """

        def write() -> dict:
            found = advocacy.open_advocacy(slug)
            return advocacy.record(
                found,
                details,
                people.hash_address(client_address()),
                honeypot=honeypot_filled(details),
            )

        return idempotency.run_once(
            f"outreaches:{slug}",
            idempotency_key(),
            request.get_json,
            write,
        )


@blp.route("/<slug>/tallies")
class Tallies(MethodView):
    @blp.arguments(IntervalQuerySchema, location="query")
    @blp.response(200, AdvocacyTalliesSchema)
    @blp.alt_response(404, description="No published advocacy campaign has this slug")
    def get(self, query: dict, slug: str):
        """Public counts: total, participants, by target and state (buckets under
        PUBLIC_MIN_BUCKET folded into `other`), and per day or hour."""
        return advocacy_counts.public_tallies(advocacy.public_advocacy(slug), query["interval"])
