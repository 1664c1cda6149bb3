"""Organizers: personal-data rights (export and erase a person) and confirmation settings."""

from flask.views import MethodView
from flask_smorest import Blueprint

from campaign.api.security import organizer
from campaign.errors import abort
from campaign.services import catalog, confirmation, privacy
from schemas.privacy import (
    ConfirmationCountsSchema,
    ConfirmationSettingSchema,
    EmailArgsSchema,
    ErasureSchema,
    PersonExportSchema,
)

blp = Blueprint(
    "people",
    __name__,
    url_prefix="/api/v1",
    description="Organizers: export or erase a person's data; email confirmation of signatures",
)


def _no_person():
    abort(404, "No person has that email or id.", slug="not-found")


@blp.route("/people/export")
class PersonExport(MethodView):
    @organizer(blp, "export")
    @blp.arguments(EmailArgsSchema(), location="query")
    @blp.response(200, PersonExportSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, args: dict):
        """Everything held about the person with this email, as JSON (scope: export)."""
        data = privacy.export(args["email"])
        if data is None:
            _no_person()
        return data


@blp.route("/people/erase")
class PersonErasureByEmail(MethodView):
    @organizer(blp, "manage")
    @blp.arguments(EmailArgsSchema())
    @blp.response(200, ErasureSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    def post(self, args: dict):
        """Erase the person with this email; every count they were in goes down (scope:
        manage)."""
        result = privacy.erase_by_email(args["email"])
        if result is None:
            _no_person()
        return result


@blp.route("/people/<int:person_id>")
class PersonErasure(MethodView):
    @organizer(blp, "manage")
    @blp.response(200, ErasureSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    def delete(self, person_id: int):
        """Erase the person with this id (as in signer lists) (scope: manage)."""
        result = privacy.erase(person_id)
        if result is None:
            _no_person()
        return result


@blp.route("/petitions/<slug>/confirmation")
class PetitionConfirmation(MethodView):
    @organizer(blp, "read")
    @blp.response(200, ConfirmationCountsSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, slug: str):
        """Whether signatures need email confirmation; confirmed and pending counts (scope:
        read)."""
        return confirmation.settings_and_counts(catalog.find_petition(slug, drafts=True))

    @organizer(blp, "manage")
    @blp.arguments(ConfirmationSettingSchema())
    @blp.response(200, ConfirmationCountsSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    def put(self, args: dict, slug: str):
        """Turn email confirmation on or off. On: new signatures wait for confirmation, counted
        ones stay counted. Off: new signatures count at once; pending ones count when
        confirmed or signed again (scope: manage)."""
        return confirmation.set_required(
            catalog.find_petition(slug, drafts=True), args["requires_confirmation"]
        )
