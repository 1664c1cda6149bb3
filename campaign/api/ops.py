"""Operator endpoints (liveness, readiness) and the Swagger UI assets served locally."""

from flask import Flask, Response, send_from_directory
from flask.views import MethodView
from flask_smorest import Blueprint
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from swagger_ui_bundle import swagger_ui_path

from campaign.errors import DATABASE_RETRY_AFTER, abort
from campaign.extensions import rest_api
from campaign.models.base import db
from campaign.services import schema
from schemas.ops import HealthSchema

blp = Blueprint("ops", __name__, description="Operations: liveness and readiness")
HEALTHY = b'{"status":"ok"}\n'


@blp.route("/healthz")
class Health(MethodView):
    @blp.response(200, HealthSchema)
    def get(self):
        """The process is up and answering."""
        # The body never changes: written once, not serialised per probe.
        return Response(HEALTHY, mimetype="application/json")


@blp.route("/readyz")
class Ready(MethodView):
    @blp.response(200, HealthSchema)
    @blp.alt_response(
        503, description="The database cannot be reached, or its schema is not migrated"
    )
    def get(self):
        """The process can reach its database, whose schema is at the migrations' head."""
        try:
            db.session.execute(text("SELECT 1"))
        except SQLAlchemyError:
            db.session.rollback()
            abort(
                503,
                "The database cannot be reached.",
                slug="database-unavailable",
                headers={"Retry-After": DATABASE_RETRY_AFTER},
            )
        if not schema.at_head():
            abort(
                503,
                "The database schema is not at the latest migration; "
                f"run `{schema.UPGRADE_COMMAND}`.",
                slug="schema-not-migrated",
                headers={"Retry-After": DATABASE_RETRY_AFTER},
            )
        return {"status": "ready"}


def swagger_assets(filename: str):
    return send_from_directory(swagger_ui_path, filename, max_age=86400)


def favicon():
    # Browsers ask for it on every page (/docs included); there is no icon, and saying so
    # with 204 keeps their consoles free of a 404.
    return "", 204, {"Cache-Control": "public, max-age=86400"}


def register(app: Flask) -> None:
    rest_api.register_blueprint(blp)
    app.add_url_rule("/docs/assets/<path:filename>", "swagger_assets", swagger_assets)
    app.add_url_rule("/favicon.ico", "favicon", favicon)
