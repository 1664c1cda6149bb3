"""Rate limits on public writes: who is counted, how many, and what happens when Redis is down.

A write view is decorated with ``write_limits(CONFIG_NAME)``; nothing else in the app runs
any limiter code, so reads and ``/healthz`` cost nothing. Each decorated request counts:

- against an **allowance** per client, named by the config key whose limit it takes
  (``SIGNATURE_RATE_LIMIT``, ``SIGNUP_RATE_LIMIT``; rate strings of the ``limits`` library,
  as flask-limiter takes them, such as ``10/minute;100/hour``). The allowance is the
  action's, not the route's: every view decorated with the same name shares one count per
  client, so signing through the native API and through the OSDI helper draws on one
  allowance. A new action that must share its allowance with another path (an outreach and
  its OSDI helper) names one new config key, ``OUTREACH_RATE_LIMIT`` say, on both views.
  Every attempt that reaches the view counts, one with invalid fields too; what the request
  checks (``hardening``) refuse is answered before this runs and costs nothing to count.
- against the **widget key** (``X-Widget-Key``, a public partner identifier) when one is
  sent, shared by all write endpoints (``WIDGET_RATE_LIMIT``). Only accepted writes (2xx)
  count: an attempt that ends otherwise gives its hit back. So one client can spend at most
  its own per-address allowance of a partner's key, however much junk it sends.

The client (see ``addresses``) is the parsed address werkzeug's ProxyFix took from the
``TRUSTED_PROXY_HOPS`` trusted proxies (with none, X-Forwarded-For is never read), IPv6 by
its /64. The counts live in ``RATELIMIT_STORAGE_URI``: Redis shared by every worker and
host in production, one round trip per limited request (the ``X-RateLimit-*`` headers are
computed from that hit's answer); ``memory://`` (per process) only for the single-process
default. When Redis cannot be reached, ``RATELIMIT_FAIL_OPEN`` (default true) keeps serving
with per-process in-memory counts and logs a warning until Redis answers again; false
refuses limited writes with a 503. Log lines never carry a client address or key.

The package belongs to the API layer (it reads the request and answers 429 and 503): views
use it, services never do. It owns the app's one ``limiter``.
"""

import functools
import logging
import math
import re
import threading
import time
from functools import lru_cache

import redis
from flask import Flask, after_this_request, current_app, request
from limits import parse_many

from campaign.api.auth import carries_live_token
from campaign.errors import abort
from campaign.ratelimit import addresses
from campaign.ratelimit.counters import Hit, MemoryCounters, RedisCounters, Window

log = logging.getLogger(__name__)

WIDGET_KEY_HEADER = "X-Widget-Key"
WIDGET_KEY_PATTERN = re.compile(r"[A-Za-z0-9_.-]{1,64}")
# Malformed widget keys share one bucket, so inventing keys buys no extra requests.
MALFORMED_WIDGET_KEY = "malformed"
WIDGET_ALLOWANCE = "WIDGET_RATE_LIMIT"
STORAGE_RETRY_AFTER = "5"
# While Redis is down, try it again this often (seconds) instead of on every request.
STORAGE_RECHECK_SECONDS = 5
# A Redis that hangs must not hang the request: give up quickly and fall back.
REDIS_OPTIONS = {"socket_connect_timeout": 1, "socket_timeout": 1}


# Where a request keeps its parsed address: the limiter, the stored hash and the log all ask.
_ADDRESS_KEY = "campaign.client_address"


def client_address() -> str:
    """The client's address in one spelling (for hashing and limits), never a raw header."""
    environ = request.environ
    address = environ.get(_ADDRESS_KEY)
    if address is None:
        original = environ.get("werkzeug.proxy_fix.orig", {})
        peer = original.get("REMOTE_ADDR", environ.get("REMOTE_ADDR"))
        address = environ[_ADDRESS_KEY] = addresses.canonical(environ.get("REMOTE_ADDR"), peer)
    return address


def client_key() -> str:
    """What this client is counted as: its IPv4 address or its IPv6 network."""
    return addresses.limit_key(client_address(), current_app.config["RATELIMIT_IPV6_PREFIX"])


def widget_key() -> str:
    """The widget key the request carries, "" when none."""
    value = request.headers.get(WIDGET_KEY_HEADER, "").strip()
    if not value:
        return ""
    return value if WIDGET_KEY_PATTERN.fullmatch(value) else MALFORMED_WIDGET_KEY


@lru_cache(maxsize=64)
def _parsed(limit_string: str):
    # Shortest window first: the one a client runs into first is the one its headers name.
    return sorted(parse_many(limit_string), key=lambda item: item.get_expiry())


def _windows(name: str, items) -> list[Window]:
    return [Window(f"{name}/{i.amount}/{i.get_expiry()}", i.amount, i.get_expiry()) for i in items]


class Decision:
    """One request's hit: which windows it counted in, and the headers that describe it."""

    def __init__(self, items, windows: list[Window], hit: Hit, address_windows: int):
        self.items = items
        self.windows = windows
        self.hit = hit
        self.address_windows = address_windows

    @property
    def widget_keys(self) -> list[str]:
        return [w.key for w in self.windows[self.address_windows :]]

    def _shown(self) -> int:
        """The window the headers describe: the refusing one, else the client's tightest."""
        if self.hit.full is not None:
            return self.hit.full
        mine = range(self.address_windows)
        return min(mine, key=lambda i: self.windows[i].limit - self.hit.counts[i])

    def headers(self) -> dict[str, str]:
        i = self._shown()
        window, left = self.windows[i], self.hit.seconds_left[i]
        headers = {
            "X-RateLimit-Limit": str(window.limit),
            "X-RateLimit-Remaining": str(max(window.limit - self.hit.counts[i], 0)),
            "X-RateLimit-Reset": str(math.ceil(time.time() + left)),
        }
        if self.hit.full is not None:
            headers["Retry-After"] = str(max(math.ceil(left), 1))
        return headers

    def refusal(self) -> str:
        return str(self.items[self.hit.full])


class RateLimiter:
    """Builds each app's counters from its config; ``write_limits`` does the counting."""

    def init_app(self, app: Flask) -> None:
        config = app.config
        config.setdefault("RATELIMIT_KEY_PREFIX", "")
        config.setdefault("RATELIMIT_IPV6_PREFIX", 64)
        uri = config.get("RATELIMIT_STORAGE_URI") or "memory://"
        if uri.startswith(("redis://", "rediss://", "unix://")):
            options = config.get("RATELIMIT_STORAGE_OPTIONS", REDIS_OPTIONS)
            primary = RedisCounters(uri, options)
        elif uri.startswith("memory://"):
            primary = None
        else:
            raise ValueError(f"RATELIMIT_STORAGE_URI must be memory:// or redis://, not {uri!r}")
        app.extensions["ratelimit"] = AppCounters(primary, config["RATELIMIT_FAIL_OPEN"])


# The one limiter; create_app() hands it each app, write_limits() counts with that app's.
limiter = RateLimiter()


class AppCounters:
    """One app's counters: Redis with an in-memory fallback, or memory alone."""

    def __init__(self, primary: RedisCounters | None, fail_open: bool):
        self.primary = primary
        self.fallback = MemoryCounters()
        self.fail_open = fail_open
        self._dead_since: float | None = None
        self._lock = threading.Lock()

    def _use_primary(self) -> bool:
        if self.primary is None:
            return False
        dead_since = self._dead_since
        if dead_since is None:
            return True
        return time.monotonic() - dead_since >= STORAGE_RECHECK_SECONDS

    def _call(self, method: str, argument):
        if not self._use_primary():
            return getattr(self.fallback, method)(argument)
        try:
            result = getattr(self.primary, method)(argument)
        except redis.RedisError as error:
            return self._failed(method, argument, error)
        if self._dead_since is not None:
            self._dead_since = None
            log.warning("rate limit storage answers again; limits are shared again")
        return result

    def _failed(self, method: str, argument, error: redis.RedisError):
        if not self.fail_open:
            log.error("rate limit storage unreachable, refusing writes: %s", type(error).__name__)
            abort(
                503,
                "Rate limiting is unavailable, so writes are paused. Try again shortly.",
                slug="rate-limit-unavailable",
                headers={"Retry-After": STORAGE_RETRY_AFTER},
            )
        with self._lock:
            first = self._dead_since is None
            self._dead_since = time.monotonic()
        if first:
            log.warning(
                "rate limit storage unreachable (%s); serving with per-process in-memory "
                "limits until it answers again",
                type(error).__name__,
            )
        return getattr(self.fallback, method)(argument)

    def hit(self, allowance: str, config) -> Decision:
        prefix = f"LIMITER/{config['RATELIMIT_KEY_PREFIX']}"
        items = list(_parsed(config[allowance]))
        windows = _windows(f"{prefix}/{allowance}/{client_key()}", items)
        address_windows = len(windows)
        partner = widget_key()
        if partner:
            widget_items = _parsed(config[WIDGET_ALLOWANCE])
            items += widget_items
            windows += _windows(f"{prefix}/widget/{partner}", widget_items)
        return Decision(items, windows, self._call("hit", windows), address_windows)

    def refund(self, decision: Decision) -> None:
        """Give back the widget hits of a write that was not accepted; never refuses."""
        if not decision.widget_keys:
            return
        try:
            self._call("refund", decision.widget_keys)
        except Exception as error:  # noqa: BLE001 - the answer is decided; a lost refund only costs one hit
            log.warning("rate limit refund failed: %s", type(error).__name__)


def write_limits(config_name: str, *, exempt_organizers: bool = False):
    """Count a write view against the allowance ``config_name`` names and the widget limit.

    Views decorated with the same ``config_name`` share one allowance per client.
    ``exempt_organizers`` lifts both limits for requests with a live organizer token: OSDI
    sync tools push people in bulk from one address, and the token already names who they are.
    """

    def decorate(view):
        @functools.wraps(view)
        def limited(*args, **kwargs):
            if exempt_organizers and carries_live_token():
                return view(*args, **kwargs)
            counters: AppCounters = current_app.extensions["ratelimit"]
            decision = counters.hit(config_name, current_app.config)
            if decision.hit.full is not None:
                abort(
                    429,
                    f"Too many requests: the limit is {decision.refusal()}. "
                    "Wait for the time in Retry-After and try again.",
                    slug="rate-limited",
                    headers=decision.headers(),
                )

            @after_this_request
            def settle(response):
                # The final answer, after the request's commit and any error handler: a
                # write whose commit failed gives its widget hit back like any other refusal.
                if not 200 <= response.status_code < 300:
                    counters.refund(decision)
                response.headers.update(decision.headers())
                return response

            return view(*args, **kwargs)

        return limited

    return decorate
