"""Campaign sign-ups: joining a campaign's list, the same answer whether new or not."""

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
from campaign.services import idempotency, people, signing
from schemas.actions import SignupInputSchema, SignupReceiptSchema

blp = Blueprint(
    "signups",
    __name__,
    url_prefix="/api/v1/campaigns",
    description="Joining a campaign's list, from the campaign website and embed widgets",
)


@blp.route("/<slug>/signups")
class Signups(MethodView):
    @write_limits("SIGNUP_RATE_LIMIT")
    @blp.arguments(SignupInputSchema())
    @blp.response(201, SignupReceiptSchema)
    @blp.alt_response(404, description="No published campaign has this slug")
    @blp.alt_response(409, description="The campaign is closed to sign-ups")
    @blp.alt_response(429, description="Over a rate limit; see Retry-After")
    @blp.doc(parameters=ACTION_PARAMETERS)
    @document_refusals(blp)
    def post(self, details: dict, slug: str):
        """Join a campaign's list.

        The answer is the same 201 whether or not this person had joined already; it carries
        no count.
        """

        key = idempotency_key()

        def write() -> dict:
            # Without a key no idempotency record joins the write's transaction.
            return signing.join(
                slug,
                details,
                people.hash_address(client_address()),
                honeypot=honeypot_filled(details),
                may_commit_alone=key is None,
            )

        return idempotency.run_once(
            f"signups:{slug}",
            key,
            request.get_json,
            write,
        )
