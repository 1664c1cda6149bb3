"""A per-process copy of recent tally responses, answered before Flask is entered.

The tally is the most-read thing the service has: pages poll it to watch the count go up.
Each gunicorn worker keeps the last full response of each petition's tally (status, headers,
body) for ``TALLY_CACHE_SECONDS`` (default 1; 0 turns this off) and answers repeats itself,
304 included, without a database round trip or the per-request hooks. So a count seen
through one worker is at most that old, well inside the ``max-age`` clients are told anyway.

Any commit made in this process empties the copies at once, so a worker never shows a count
older than its own writes (and tests see every change immediately). Copies are kept per
``Origin`` because CORS headers differ by origin, and their number is bounded. Cached answers
are counted in the request metrics under the tally's route, but not logged one by one.
"""

import re
import time
import uuid
from dataclasses import dataclass

from sqlalchemy import event
from sqlalchemy.orm import Session
from werkzeug.http import parse_etags

from campaign import observability

PATH = re.compile(r"/api/v1/petitions/([^/]{1,200})/tally")
ROUTE = "/api/v1/petitions/<slug>/tally"
MAX_ENTRIES = 1024
# Headers that describe one response only, or the body a 304 does not carry.
PER_RESPONSE = frozenset({observability.REQUEST_ID_HEADER.lower(), "set-cookie", "date"})
BODY_HEADERS = frozenset({"content-type", "content-length"})

_generation = 0


@event.listens_for(Session, "after_commit")
def _something_changed(_session) -> None:
    global _generation
    _generation += 1


@dataclass(frozen=True)
class Entry:
    generation: int
    expires: float
    etag: str
    headers: list[tuple[str, str]]
    body: bytes


def _request_id(environ) -> str:
    offered = environ.get("HTTP_X_REQUEST_ID", "")
    return offered if observability.SAFE_REQUEST_ID.fullmatch(offered) else uuid.uuid4().hex


class TallyCache:
    """WSGI middleware: serve fresh copies of GET tally responses, fill them on a miss."""

    def __init__(self, wsgi_app, seconds: float):
        self.wsgi_app = wsgi_app
        self.seconds = seconds
        self.entries: dict[tuple[str, str], Entry] = {}

    def __call__(self, environ, start_response):
        match = PATH.fullmatch(environ.get("PATH_INFO", ""))
        if match is None or environ["REQUEST_METHOD"] != "GET" or environ.get("QUERY_STRING"):
            return self.wsgi_app(environ, start_response)
        key = (match.group(1), environ.get("HTTP_ORIGIN", ""))
        entry = self.entries.get(key)
        if entry and entry.generation == _generation and entry.expires > time.monotonic():
            return self._answer(entry, environ, start_response)
        return self._fill(key, environ, start_response)

    def _answer(self, entry: Entry, environ, start_response):
        headers = [*entry.headers, (observability.REQUEST_ID_HEADER, _request_id(environ))]
        if parse_etags(environ.get("HTTP_IF_NONE_MATCH")).contains_weak(entry.etag):
            status, body = "304 NOT MODIFIED", b""
            headers = [(k, v) for k, v in headers if k.lower() not in BODY_HEADERS]
        else:
            status, body = "200 OK", entry.body
        observability.REQUESTS.labels("GET", ROUTE, status[:3]).inc()
        start_response(status, headers)
        return [body]

    def _fill(self, key, environ, start_response):
        generation = _generation
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
        etag = next((v for k, v in headers if k.lower() == "etag"), None)
        if captured.get("status", "").startswith("200") and etag:
            if len(self.entries) >= MAX_ENTRIES:
                self.entries.clear()
            self.entries[key] = Entry(
                generation=generation,
                expires=time.monotonic() + self.seconds,
                etag=etag.strip('"'),
                headers=[(k, v) for k, v in headers if k.lower() not in PER_RESPONSE],
                body=body,
            )
        return [body]


def register(app) -> None:
    seconds = float(app.config.get("TALLY_CACHE_SECONDS", 1))
    if seconds > 0:
        app.wsgi_app = TallyCache(app.wsgi_app, seconds)
