"""A per-process copy of recent public read responses, answered before Flask is entered.

Pages poll the tally to watch the count go up and load the campaign and petition on every
visit; these are by far the most read things the service has, and each is the same for every
anonymous reader. Each gunicorn worker keeps the last full response (status, headers, body)
of each of ``GET /api/v1/petitions/{slug}/tally``, ``/api/v1/petitions/{slug}``,
``/api/v1/campaigns/{slug}`` and ``/api/v1/campaigns`` for ``TALLY_CACHE_SECONDS`` (default 1,
never more than ``TALLY_MAX_AGE``; 0 turns this off) and answers repeats itself, 304
included, without a database round trip or the per-request hooks. So an organizer's edit made
through another worker, or a count, is seen here at most that late: well inside the
``max-age`` clients are told anyway.

Any commit made through this app empties its copies at once, so a worker never shows
anything older than its own writes (and tests see every change immediately). Requests that
carry credentials (organizer reads, which may include drafts) are never answered from a copy
and their responses are never kept; only responses the view marked ``Cache-Control: public``
are kept. Copies are kept per ``Origin`` because CORS headers differ by origin, and their
number is bounded. Cached answers are counted in the request metrics under their route, but
not logged one by one.
"""

import re
import time
from dataclasses import dataclass

from flask import current_app, has_app_context
from sqlalchemy import event
from sqlalchemy.orm import Session
from werkzeug.http import parse_etags

import campaign.logs as logs
import campaign.observability as observability

# Checked in order: the tally's path would otherwise match the petition's.
ROUTES = (
    (re.compile(r"/api/v1/petitions/([^/]{1,200})/tally"), "/api/v1/petitions/<slug>/tally"),
    (re.compile(r"/api/v1/petitions/([^/]{1,200})"), "/api/v1/petitions/<slug>"),
    (re.compile(r"/api/v1/campaigns/([^/]{1,200})"), "/api/v1/campaigns/<slug>"),
    (re.compile(r"/api/v1/campaigns()"), "/api/v1/campaigns"),
)
MAX_ENTRIES = 1024
# Headers that describe one response only, or the body a 304 does not carry.
PER_RESPONSE = frozenset({logs.REQUEST_ID_HEADER.lower(), "set-cookie", "date"})
BODY_HEADERS = frozenset({"content-type", "content-length"})
EXTENSION = "public_cache"


class Generation:
    """Counts this app's commits; a copy made before the latest one is not used."""

    value = 0


@event.listens_for(Session, "after_commit")
def _something_changed(_session) -> None:
    # Every commit runs inside its app's context (Flask-SQLAlchemy scopes sessions to it).
    if has_app_context():
        generation = current_app.extensions.get(EXTENSION)
        if generation is not None:
            generation.value += 1


@dataclass(frozen=True)
class Entry:
    generation: int
    expires: float
    route: str
    etag: str
    headers: list[tuple[str, str]]
    body: bytes


def _request_id(environ) -> str:
    return logs.offered_or_new(environ.get("HTTP_X_REQUEST_ID", ""))


def _route(path: str) -> str | None:
    for pattern, route in ROUTES:
        if pattern.fullmatch(path):
            return route
    return None


class PublicCache:
    """WSGI middleware: serve fresh copies of anonymous GET reads, fill them on a miss."""

    # The clock is an attribute so that a test can move time on instead of waiting for it.
    clock = staticmethod(time.monotonic)

    def __init__(self, wsgi_app, seconds: float, generation: Generation):
        self.wsgi_app = wsgi_app
        self.seconds = seconds
        self.generation = generation
        self.entries: dict[tuple[str, str], Entry] = {}

    def __call__(self, environ, start_response):
        if (
            environ["REQUEST_METHOD"] != "GET"
            or environ.get("QUERY_STRING")
            or "HTTP_AUTHORIZATION" in environ
            or "HTTP_OSDI_API_TOKEN" in environ
        ):
            return self.wsgi_app(environ, start_response)
        path = environ.get("PATH_INFO", "")
        key = (path, environ.get("HTTP_ORIGIN", ""))
        entry = self.entries.get(key)
        if entry and entry.generation == self.generation.value and entry.expires > self.clock():
            return self._answer(entry, environ, start_response)
        route = _route(path)
        if route is None:
            return self.wsgi_app(environ, start_response)
        return self._fill(key, route, environ, start_response)

    def _answer(self, entry: Entry, environ, start_response):
        headers = [*entry.headers, (logs.REQUEST_ID_HEADER, _request_id(environ))]
        if parse_etags(environ.get("HTTP_IF_NONE_MATCH")).contains_weak(entry.etag):
            status, body = "304 NOT MODIFIED", b""
            headers = [(k, v) for k, v in headers if k.lower() not in BODY_HEADERS]
        else:
            status, body = "200 OK", entry.body
        observability.count_request("GET", entry.route, status[:3])
        start_response(status, headers)
        return [body]

    def _fill(self, key, route: str, environ, start_response):
        generation = self.generation.value
        captured = {}

        def capture(status, headers, exc_info=None):
            captured["status"], captured["headers"] = status, headers
            return start_response(status, headers, exc_info)

        response = self.wsgi_app(environ, capture)
        try:
            body = b"".join(response)
        finally:
            if hasattr(response, "close"):
                response.close()
        headers = captured.get("headers") or []
        found = {k.lower(): v for k, v in headers}
        etag = found.get("etag")
        public = "public" in found.get("cache-control", "")
        if captured.get("status", "").startswith("200") and etag and public:
            if len(self.entries) >= MAX_ENTRIES:
                self.entries.clear()
            self.entries[key] = Entry(
                generation=generation,
                expires=self.clock() + self.seconds,
                route=route,
                etag=etag.strip('"'),
                headers=[(k, v) for k, v in headers if k.lower() not in PER_RESPONSE],
                body=body,
            )
        return [body]


def register(app) -> None:
    generation = app.extensions[EXTENSION] = Generation()
    seconds = min(
        float(app.config.get("TALLY_CACHE_SECONDS", 1)), float(app.config.get("TALLY_MAX_AGE", 5))
    )
    if seconds > 0:
        app.wsgi_app = PublicCache(app.wsgi_app, seconds, generation)
