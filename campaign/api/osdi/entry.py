"""The OSDI API entry point: links to every collection and helper."""

from flask.views import MethodView

from campaign.api.osdi.blueprint import HAL_JSON, blp
from campaign.api.osdi.hal import entry_point
from schemas.osdi import OsdiEntryPointSchema


@blp.route("/")
class EntryPoint(MethodView):
    @blp.response(200, OsdiEntryPointSchema, content_type=HAL_JSON)
    def get(self):
        """Where an OSDI client starts: links (with curies) to petitions, people and the
        person-signup helper. Public: it holds links, not data."""
        return entry_point()
