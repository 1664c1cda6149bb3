"""Operations: a request id on every response, one JSON log line per request, Prometheus metrics.

Logs carry no personal data: the path without its query string (and without the tokens of
emailed links), the route, the status, the time taken, the request id and a short keyed hash
of the client address.

``/metrics`` is off (404) unless the operator turns it on: with ``METRICS_TOKEN`` set it
answers only to ``Authorization: Bearer <METRICS_TOKEN>``; with ``METRICS_ENABLED=true`` and
no token it answers anyone who can reach it, for a scraper on a private network. Under
several gunicorn workers set ``PROMETHEUS_MULTIPROC_DIR`` to an empty directory so that every
scrape sums all workers (prometheus_client's multiprocess mode).
"""

import hashlib
import hmac
import logging
import os
import re
import time

from flask import Flask, Response, current_app, g, request
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from campaign.errors import abort
from campaign.logs import REQUEST_ID_HEADER, configure_logging, request_id

log = logging.getLogger("campaign.access")

# Emailed links carry their secret in the path (a confirmation token confirms a signature, an
# unsubscribe token names a person); whatever follows these prefixes is kept out of logs,
# whether or not the request matched a route.
SECRET_PATH = re.compile(r"^/(confirm|unsubscribe)/.+", re.DOTALL)

REQUESTS = Counter(
    "campaign_http_requests",
    "HTTP requests answered, by method, route template and status.",
    ["method", "route", "status"],
)
LATENCY = Histogram(
    "campaign_http_request_duration_seconds",
    "Time to produce a response, by method and route template.",
    ["method", "route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
RATE_LIMITED = Counter(
    "campaign_rate_limit_refusals",
    "Requests refused with 429 by the rate limiter, by route template.",
    ["route"],
)


def client_hash() -> str:
    """A short keyed hash of the client address: enough to group abuse, not to identify."""
    key = current_app.config["SECRET_KEY"].encode()
    address = (request.remote_addr or "").encode()
    return hmac.new(key, b"log:" + address, hashlib.sha256).hexdigest()[:16]


def route_template() -> str:
    # The rule, not the path, keeps label values few (no slugs, no probing strings).
    rule = request.url_rule
    return rule.rule if rule is not None else "unmatched"


def logged_path() -> str:
    """The request path as logged: secrets carried in the path replaced by a placeholder."""
    return SECRET_PATH.sub(r"/\1/[redacted]", request.path)


# Every request counts itself; looking up a labelled child is most of that work, and the
# label values are few (method, route template, status), so each child is looked up once.
_request_counters: dict[tuple[str, str, str], object] = {}
_latency_histograms: dict[tuple[str, str], object] = {}


def count_request(method: str, route: str, status: str) -> None:
    key = (method, route, status)
    counter = _request_counters.get(key)
    if counter is None:
        counter = _request_counters[key] = REQUESTS.labels(method, route, status)
    counter.inc()


def _observe_latency(method: str, route: str, seconds: float) -> None:
    key = (method, route)
    histogram = _latency_histograms.get(key)
    if histogram is None:
        histogram = _latency_histograms[key] = LATENCY.labels(method, route)
    histogram.observe(seconds)


def start_request() -> None:
    g.request_started = time.perf_counter()


def finish_request(response: Response) -> Response:
    started = g.get("request_started")
    elapsed = time.perf_counter() - started if started is not None else 0.0
    identifier = request_id()
    response.headers[REQUEST_ID_HEADER] = identifier
    current = request._get_current_object()
    rule = current.url_rule
    route = rule.rule if rule is not None else "unmatched"
    status = response.status_code
    method = current.method
    count_request(method, route, str(status))
    _observe_latency(method, route, elapsed)
    if status == 429:
        RATE_LIMITED.labels(route).inc()
    # The line's fields (a keyed hash among them) are built only when it is written.
    if not log.isEnabledFor(logging.INFO):
        return response
    path = logged_path()
    log.info(
        "%s %s %s",
        method,
        path,
        status,
        extra={
            "method": method,
            "path": path,
            "route": route,
            "status": status,
            "duration_ms": round(elapsed * 1000, 2),
            "request_id": identifier,
            "client": client_hash(),
        },
    )
    return response


class CountsCollector:
    """Signatures and sign-ups counted, read from the counter rows at scrape time.

    Reading the counts as data keeps them exact across workers, restarts and SIGKILLs.
    """

    def collect(self):
        from campaign.models import Campaign, Petition
        from campaign.models.base import db
        from campaign.services import counters

        up = GaugeMetricFamily("campaign_database_up", "1 if the database answered the scrape.")
        signatures = GaugeMetricFamily(
            "campaign_signatures_counted", "Counted signatures per petition.", labels=["petition"]
        )
        signups = GaugeMetricFamily(
            "campaign_signups_counted", "Sign-ups per campaign.", labels=["campaign"]
        )
        try:
            petitions = db.session.execute(select(Petition.id, Petition.slug)).all()
            campaigns = db.session.execute(select(Campaign.id, Campaign.slug)).all()
            p_counts = counters.totals(counters.petition_subject(pid) for pid, _ in petitions)
            c_counts = counters.totals(
                (counters.campaign_subject(cid) for cid, _ in campaigns), "signups"
            )
            db.session.rollback()
        except SQLAlchemyError:
            db.session.rollback()
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        for pid, slug in petitions:
            signatures.add_metric([slug], p_counts[counters.petition_subject(pid)])
        for cid, slug in campaigns:
            signups.add_metric([slug], c_counts[counters.campaign_subject(cid)])
        yield from (up, signatures, signups)


def _authorised() -> bool:
    token = current_app.config["METRICS_TOKEN"]
    if token:
        scheme, _, offered = request.headers.get("Authorization", "").partition(" ")
        # Bytes, not str: compare_digest refuses non-ASCII str, and a header may carry any.
        offered = offered.strip().encode("utf-8", "surrogateescape")
        if scheme.lower() != "bearer" or not hmac.compare_digest(offered, token.encode()):
            abort(
                401,
                "Send the metrics token as 'Authorization: Bearer <token>'.",
                slug="unauthorized",
                headers={"WWW-Authenticate": 'Bearer realm="metrics"'},
            )
        return True
    return bool(current_app.config["METRICS_ENABLED"])


def metrics_view():
    if not _authorised():
        abort(404, "The requested URL was not found on the server.", slug="not-found")
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    else:
        registry = CollectorRegistry()
        registry.register(_DefaultCollectors())
    registry.register(CountsCollector())
    return Response(generate_latest(registry), mimetype=CONTENT_TYPE_LATEST)


class _DefaultCollectors:
    """This process's metrics (the global registry) inside a per-scrape registry."""

    def collect(self):
        yield from REGISTRY.collect()


def register(app: Flask) -> None:
    configure_logging(app.config["LOG_LEVEL"], app.config["LOG_FORMAT"])
    # Registered before every extension: the clock starts first and the log line is last.
    app.before_request(start_request)
    app.after_request(finish_request)
    app.add_url_rule("/metrics", "metrics", metrics_view)
