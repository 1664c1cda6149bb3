"""Rate limits on public writes: who is counted, how many, and what happens when Redis is down.

Every write endpoint carries two limits (``write_limits``):

- per client address, from the config key the endpoint names (``SIGNATURE_RATE_LIMIT``,
  ``SIGNUP_RATE_LIMIT``; flask-limiter strings such as ``10/minute;100/hour``);
- per widget key (``X-Widget-Key``, a public partner identifier) when the request carries
  one, shared by all write endpoints (``WIDGET_RATE_LIMIT``).

The client address is ``request.remote_addr``: werkzeug's ProxyFix has replaced it with what
the ``TRUSTED_PROXY_HOPS`` trusted proxies saw, and with no trusted hops X-Forwarded-For is
never read, so it cannot be used to dodge a limit.

Counts live in ``RATELIMIT_STORAGE_URI``: Redis shared by every worker in production,
``memory://`` (per process) only for the single-process default. When the storage cannot be
reached, ``RATELIMIT_FAIL_OPEN`` (default true) keeps serving with per-process in-memory
limits and logs a warning until the storage answers again; false refuses writes with a 503.
"""

import logging
import os
import re

from flask import Flask, current_app, request
from flask_limiter import Limiter, RateLimitExceeded
from werkzeug.exceptions import HTTPException

from campaign.errors import abort

log = logging.getLogger(__name__)

WIDGET_KEY_HEADER = "X-Widget-Key"
WIDGET_KEY_PATTERN = re.compile(r"[A-Za-z0-9_.-]{1,64}")
# Malformed widget keys share one bucket, so inventing keys buys no extra requests.
MALFORMED_WIDGET_KEY = "malformed"
STORAGE_RETRY_AFTER = "5"
# A Redis that hangs must not hang the request: give up quickly and fall back.
REDIS_OPTIONS = {"socket_connect_timeout": 1, "socket_timeout": 1}


def client_address() -> str:
    # ProxyFix has already replaced remote_addr with the address the trusted proxies saw;
    # with no trusted hops X-Forwarded-For is never read.
    return request.remote_addr or "unknown"


def widget_key() -> str:
    """The widget key the request carries, "" when none."""
    value = request.headers.get(WIDGET_KEY_HEADER, "").strip()
    if not value:
        return ""
    return value if WIDGET_KEY_PATTERN.fullmatch(value) else MALFORMED_WIDGET_KEY


def _without_widget_key() -> bool:
    return not widget_key()


def _fail_open_from_environment() -> bool:
    value = os.environ.get("RATELIMIT_FAIL_OPEN", "").strip().lower()
    return value not in ("0", "false", "no", "off")


def _retry_after_only_when_refused(response):
    """Drop Retry-After from answers that ask for no waiting: a 201 or a 422 is final."""
    if response.status_code not in (429, 503) and not 300 <= response.status_code < 400:
        response.headers.pop("Retry-After", None)
    return response


class CampaignLimiter(Limiter):
    """flask-limiter with our defaults, problem documents, and a per-app fresh start.

    One Limiter object serves every app a process builds (tests build many); flask-limiter
    keeps some settings from the first app's config and whether the storage was dead, so
    those are reset before each app is set up.
    """

    def init_app(self, app: Flask) -> None:
        config = app.config
        config.setdefault("RATELIMIT_HEADERS_ENABLED", True)
        config.setdefault("RATELIMIT_STRATEGY", "fixed-window")
        fail_open = config.setdefault("RATELIMIT_FAIL_OPEN", _fail_open_from_environment())
        config.setdefault("RATELIMIT_IN_MEMORY_FALLBACK_ENABLED", fail_open)
        config.setdefault("RATELIMIT_SWALLOW_ERRORS", fail_open)
        if config.get("RATELIMIT_STORAGE_URI", "").startswith("redis"):
            config.setdefault("RATELIMIT_STORAGE_OPTIONS", REDIS_OPTIONS)
        self._key_prefix = ""
        self._storage_dead = False
        self._swallow_errors = None
        self._headers_enabled = None
        self._in_memory_fallback_enabled = None
        self._strategy = None
        self._storage_options = {}
        # Registered before flask-limiter's own hook, so it runs after it (Flask runs them
        # in reverse) and sees the Retry-After that hook puts on every limited response.
        app.after_request(_retry_after_only_when_refused)
        super().init_app(app)

    def _check_request_limit(self, callable_name=None, in_middleware=True) -> None:
        was_dead = self._storage_dead
        try:
            super()._check_request_limit(callable_name=callable_name, in_middleware=in_middleware)
        except RateLimitExceeded as exceeded:
            abort(
                429,
                f"Too many requests: the limit is {exceeded.limit.limit}. "
                "Wait for the time in Retry-After and try again.",
                slug="rate-limited",
            )
        except HTTPException:
            raise
        except Exception as error:  # noqa: BLE001 - any storage failure when failing closed
            log.error("rate limit storage unreachable, refusing writes: %s", error)
            abort(
                503,
                "Rate limiting is unavailable, so writes are paused. Try again shortly.",
                slug="rate-limit-unavailable",
                headers={"Retry-After": STORAGE_RETRY_AFTER},
            )
        if self._storage_dead and not was_dead:
            log.warning(
                "rate limit storage unreachable; serving with per-process in-memory limits "
                "until it answers again"
            )


def _organizer() -> bool:
    """Whether the request carries a live organizer token (looked up only when one is sent)."""
    from campaign.auth import presented_secret
    from campaign.services import tokens

    secret = presented_secret()
    return bool(secret) and tokens.authenticate(secret) is not None


def write_limits(config_name: str, *, exempt_organizers: bool = False):
    """Decorate a write view with the per-address limit ``config_name`` and the widget limit.

    ``exempt_organizers`` lifts both for requests with a live organizer token: OSDI sync
    tools push people in bulk from one address, and the token already names who they are.
    """
    from campaign.extensions import limiter

    per_address = limiter.limit(
        lambda: current_app.config[config_name],
        key_func=client_address,
        exempt_when=_organizer if exempt_organizers else None,
        methods=["POST"],
    )
    per_widget = limiter.shared_limit(
        lambda: current_app.config["WIDGET_RATE_LIMIT"],
        scope="widget",
        key_func=widget_key,
        exempt_when=(lambda: _without_widget_key() or _organizer())
        if exempt_organizers
        else _without_widget_key,
        methods=["POST"],
    )

    def decorate(view):
        return per_address(per_widget(view))

    return decorate
