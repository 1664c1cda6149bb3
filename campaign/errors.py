"""RFC 9457 problem documents: the one error handler for every error the service returns."""

import http
import logging

from apispec import BasePlugin
from flask import Response, json, request
from flask_smorest import Api
from flask_smorest import abort as _abort
from flask_smorest.utils import prepare_response
from sqlalchemy.exc import DBAPIError, OperationalError, SQLAlchemyError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from werkzeug.exceptions import HTTPException, InternalServerError

from campaign.services.errors import Conflict, Invalid, Malformed, NotFound, Refused
from schemas.problem import ProblemSchema

log = logging.getLogger(__name__)

PROBLEM_MEDIA_TYPE = "application/problem+json"
DATABASE_RETRY_AFTER = "5"
SQLITE_TRANSIENT = ("locked", "busy", "unable to open", "disk i/o")


# The HTTP status for each kind of refusal a service raises.
REFUSAL_STATUS = {NotFound: 404, Conflict: 409, Invalid: 422, Malformed: 400}


def problem_type(slug: str) -> str:
    return f"urn:campaign-api:problem:{slug}"


def abort(status: int, detail: str, *, slug: str | None = None, errors=None, headers=None):
    """Stop the request with a problem document."""
    kwargs = {"message": detail}
    if slug:
        kwargs["problem_type"] = problem_type(slug)
    if errors is not None:
        kwargs["errors"] = errors
    if headers:
        kwargs["headers"] = headers
    _abort(status, **kwargs)


def _flatten_validation(messages: dict) -> dict:
    """webargs nests errors by location ({"json": {...}}); clients want the field map."""
    flat: dict = {}
    for location, fields in messages.items():
        if isinstance(fields, dict):
            flat.update(fields)
        else:
            flat[location] = fields
    return flat


def _database_unavailable(error: Exception) -> bool:
    """Whether a database error means "down or overloaded" (503) rather than a bug (500)."""
    if isinstance(error, PoolTimeoutError):
        return True
    if isinstance(error, DBAPIError) and error.connection_invalidated:
        return True
    if not isinstance(error, OperationalError):
        return False
    # SQLite reports its own mistakes ("no such column") as OperationalError as well.
    if type(error.orig).__module__.startswith("sqlite3"):
        return any(word in str(error.orig).lower() for word in SQLITE_TRANSIENT)
    return True


def problem_response(
    status: int, title: str, detail: str | None = None, *, headers=None, **extra
) -> Response:
    body = {"type": extra.pop("type", "about:blank"), "title": title, "status": status}
    if detail:
        body["detail"] = detail
    body["instance"] = request.path
    body.update(extra)
    return Response(json.dumps(body), status=status, mimetype=PROBLEM_MEDIA_TYPE, headers=headers)


def _is_error(code) -> bool:
    return str(code) == "default" or str(code)[:1] in ("4", "5")


class ProblemResponsesPlugin(BasePlugin):
    """Every error an operation documents is ``application/problem+json`` with the Problem
    schema, as the handler below sends it: also those declared with only a description."""

    def init_spec(self, spec):
        self.spec = spec

    def operation_helper(self, path=None, operations=None, **kwargs):
        problem = {"schema": self.spec.components.get_ref("schema", "Problem")}
        for operation in (operations or {}).values():
            for code, response in operation.get("responses", {}).items():
                if not _is_error(code) or not isinstance(response, dict) or "$ref" in response:
                    continue
                content = response.setdefault("content", {})
                content.pop("application/json", None)
                content[PROBLEM_MEDIA_TYPE] = problem


class ProblemApi(Api):
    """flask-smorest's Api with errors rendered, and documented, as problem documents."""

    ERROR_SCHEMA = ProblemSchema

    def _init_spec(self, *, extra_plugins=None, **kwargs):
        plugins = [*(extra_plugins or ()), ProblemResponsesPlugin()]
        super()._init_spec(extra_plugins=plugins, **kwargs)

    def _register_responses(self):
        """flask-smorest's named responses (NOT_FOUND, UNPROCESSABLE_ENTITY, DEFAULT_ERROR...),
        with the media type the errors really have."""
        for status in http.HTTPStatus:
            response = {"description": status.phrase}
            if not (100 <= status < 200) and status not in (204, 304):
                response["schema"] = self.ERROR_SCHEMA
            media_type = PROBLEM_MEDIA_TYPE if status >= 400 else self.DEFAULT_RESPONSE_CONTENT_TYPE
            prepare_response(response, self.spec, media_type)
            self.spec.components.response(status.name, response, lazy=True)
        response = {"description": "Default error response", "schema": self.ERROR_SCHEMA}
        prepare_response(response, self.spec, PROBLEM_MEDIA_TYPE)
        self.spec.components.response("DEFAULT_ERROR", response, lazy=True)

    def _register_error_handlers(self):
        super()._register_error_handlers()
        self._app.register_error_handler(SQLAlchemyError, self.handle_database_error)
        self._app.register_error_handler(Refused, self.handle_refused)

    def handle_refused(self, error: Refused):
        """A service's refusal, as the problem document its kind stands for."""
        status = next(code for kind, code in REFUSAL_STATUS.items() if isinstance(error, kind))
        extra = {"type": problem_type(error.slug)}
        if error.errors is not None:
            extra["errors"] = error.errors
        title = http.HTTPStatus(status).phrase
        return problem_response(status, title, error.detail, headers=error.headers, **extra)

    def handle_database_error(self, error: SQLAlchemyError):
        """503 with Retry-After while the database is unreachable; 500 for anything else."""
        if _database_unavailable(error):
            # An outage is expected weather, not a bug: one line, no traceback.
            log.warning("database unavailable: %s", type(error).__name__)
            return problem_response(
                503,
                "Service Unavailable",
                "The database is unavailable. Try again shortly.",
                type=problem_type("database-unavailable"),
                headers={"Retry-After": DATABASE_RETRY_AFTER},
            )
        log.error("database error", exc_info=error)
        return problem_response(
            500, "Internal Server Error", "The server failed to handle this request."
        )

    def handle_http_exception(self, error: HTTPException):
        headers = {}
        detail = error.description
        extra: dict = {}
        status = error.code or 500
        title = error.name
        data = getattr(error, "data", None) or {}
        if isinstance(error, InternalServerError):
            # Flask has logged the exception; the client learns nothing of its insides.
            detail = "The server failed to handle this request."
        if "message" in data:
            detail = data["message"]
        if "problem_type" in data:
            extra["type"] = data["problem_type"]
        if "errors" in data:
            extra["errors"] = data["errors"]
        elif "messages" in data:
            extra["errors"] = _flatten_validation(data["messages"])
            extra["type"] = problem_type("validation")
            detail = "The request has invalid fields: " + ", ".join(sorted(extra["errors"]))
        headers.update(data.get("headers") or {})
        # Headers such as Allow (405) and Retry-After (429) come with the exception.
        for name, value in error.get_headers():
            if name.lower() != "content-type":
                headers.setdefault(name, value)
        return problem_response(status, title, detail, headers=headers, **extra)
