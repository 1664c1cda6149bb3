"""Petition signatures: the public write, the same answer whether new or already signed."""

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
from campaign.services import idempotency, links, people, signing
from schemas.actions import SignatureInputSchema, SignatureReceiptSchema

blp = Blueprint(
    "signatures",
    __name__,
    url_prefix="/api/v1/petitions",
    description="Signing petitions, from the campaign website and embed widgets",
)


@blp.route("/<slug>/signatures")
class Signatures(MethodView):
    @write_limits("SIGNATURE_RATE_LIMIT")
    @blp.arguments(SignatureInputSchema())
    @blp.response(201, SignatureReceiptSchema)
    @blp.alt_response(404, description="No published petition has this slug")
    @blp.alt_response(409, description="The petition is closed to signatures")
    @blp.alt_response(429, description="Over a rate limit; see Retry-After")
    @blp.doc(parameters=ACTION_PARAMETERS)
    @document_refusals(blp)
    def post(self, details: dict, slug: str):
        """Sign a petition.

        The answer is the same 201 whether or not this person had signed already, so it
        reveals nothing about who has signed; it carries no count (read the tally for that).
        """

        key = idempotency_key()

        def write() -> dict:
            # Without a key no idempotency record joins the write's transaction.
            return signing.sign(
                slug,
                details,
                people.hash_address(client_address()),
                honeypot=honeypot_filled(details),
                may_commit_alone=key is None,
                link_base=links.believed_base_url(request.scheme, request.host),
            )

        return idempotency.run_once(
            f"signatures:{slug}",
            key,
            request.get_json,
            write,
        )
