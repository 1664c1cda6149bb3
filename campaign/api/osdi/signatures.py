"""OSDI signatures: per petition and per person, and the record-signature helper."""

from flask import request
from flask.views import MethodView

from campaign.api.osdi.blueprint import (
    HAL_JSON,
    authenticated,
    blp,
    optional_reader,
    organizer_read,
)
from campaign.api.osdi.hal import collection, person_path, petition_path, signature
from campaign.ratelimit import client_address, write_limits
from campaign.services import catalog, links, people
from campaign.services.osdi import helpers, reads
from schemas.osdi import (
    OsdiListArgsSchema,
    OsdiRecordSignatureSchema,
    OsdiSignaturePageSchema,
    OsdiSignatureSchema,
)


@blp.route("/petitions/<slug>/signatures")
class PetitionSignatures(MethodView):
    @organizer_read
    @blp.arguments(OsdiListArgsSchema(), location="query", error_status_code=400)
    @blp.response(200, OsdiSignaturePageSchema, content_type=HAL_JSON)
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, args, slug: str):
        """The petition's counted signatures, oldest first, 25 a page."""
        filter_text = args.get("filter")
        item, result = reads.petition_signatures_page(
            slug, args["page"], args["per_page"], filter_text
        )
        items = [signature(s, item.slug) for s in result.items]
        path = f"{petition_path(item)}/signatures"
        return collection("signatures", path, result, items, {"filter": filter_text})

    @write_limits("SIGNATURE_RATE_LIMIT", exempt_organizers=True)
    @optional_reader
    @blp.arguments(OsdiRecordSignatureSchema(), error_status_code=400)
    @blp.response(200, OsdiSignatureSchema, content_type=HAL_JSON)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT", description="The petition is closed")
    @blp.alt_response(429, response="TOO_MANY_REQUESTS")
    def post(self, body, slug: str):
        """The record-signature helper: match the person by email, sign once.

        Counted like a native signature. Without a token the answer is `{}` (a blind post,
        under the native signing rate limit); with a read token it is the signature.
        """
        petition = catalog.open_petition(slug)
        recorded = helpers.record_signature(
            petition,
            body,
            people.hash_address(client_address()),
            organizer=authenticated(),
            link_base=links.believed_base_url(request.scheme, request.host),
        )
        return signature(recorded, petition.slug) if authenticated() else {}


@blp.route("/petitions/<slug>/signatures/<int:signature_id>")
class SignatureResource(MethodView):
    @organizer_read
    @blp.response(200, OsdiSignatureSchema, content_type=HAL_JSON)
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, slug: str, signature_id: int):
        """One counted signature on the petition."""
        return signature(reads.signature(slug, signature_id), slug)


@blp.route("/people/<int:person_id>/signatures")
class PersonSignatures(MethodView):
    @organizer_read
    @blp.arguments(OsdiListArgsSchema(), location="query", error_status_code=400)
    @blp.response(200, OsdiSignaturePageSchema, content_type=HAL_JSON)
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, args, person_id: int):
        """The person's counted signatures on any petition, 25 a page."""
        filter_text = args.get("filter")
        found, result = reads.person_signatures_page(
            person_id, args["page"], args["per_page"], filter_text
        )
        items = [signature(s, s.petition.slug) for s in result.items]
        path = f"{person_path(found.id)}/signatures"
        return collection("signatures", path, result, items, {"filter": filter_text})
