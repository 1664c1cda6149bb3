"""OSDI people: the collection, one person, and the person-signup helper."""

from flask.views import MethodView

from campaign.api.osdi.blueprint import (
    HAL_JSON,
    authenticated,
    blp,
    optional_reader,
    organizer_read,
)
from campaign.api.osdi.hal import collection, person
from campaign.ratelimit import client_address, write_limits
from campaign.services import people as people_service
from campaign.services.osdi import helpers, reads
from schemas.osdi import (
    OsdiListArgsSchema,
    OsdiPeoplePageSchema,
    OsdiPersonSchema,
    OsdiPersonSignupSchema,
)


@blp.route("/people")
class People(MethodView):
    @organizer_read
    @blp.arguments(OsdiListArgsSchema(), location="query", error_status_code=400)
    @blp.response(200, OsdiPeoplePageSchema, content_type=HAL_JSON)
    def get(self, args):
        """Everyone who has signed, joined or been signed up, 25 a page."""
        result = reads.people_page(args["page"], args["per_page"], args.get("filter"))
        items = [person(p) for p in result.items]
        return collection("people", "/people", result, items, {"filter": args.get("filter")})

    @write_limits("SIGNUP_RATE_LIMIT", exempt_organizers=True)
    @optional_reader
    @blp.arguments(OsdiPersonSignupSchema(), error_status_code=400)
    @blp.response(200, OsdiPersonSchema, content_type=HAL_JSON)
    @blp.alt_response(409, response="CONFLICT", description="A listed campaign is closed")
    @blp.alt_response(429, response="TOO_MANY_REQUESTS")
    def post(self, body):
        """The person-signup helper: create the person matched by email (update: token only).

        Campaign slugs in `add_lists` are joined as native sign-ups; without them nobody
        joins a list. Without a token the answer is `{}` (a blind post, under the native
        sign-up rate limit); with a read token it is the person.
        """
        ip_hash = people_service.hash_address(client_address())
        signed_up = helpers.signup(body, ip_hash, organizer=authenticated())
        return person(signed_up) if authenticated() else {}


@blp.route("/people/<int:person_id>")
class PersonResource(MethodView):
    @organizer_read
    @blp.response(200, OsdiPersonSchema, content_type=HAL_JSON)
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, person_id: int):
        """One person."""
        return person(reads.find_person(person_id))
