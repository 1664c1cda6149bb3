"""Links that go out in email: confirmation and one-click unsubscribe.

The unsubscribe token is the person's id signed with ``SECRET_KEY``: nothing is stored, and
it keeps working for as long as the person exists.

Where links point: ``PUBLIC_BASE_URL`` when it is set (production: the public https
address). Without it, the address the signing request came to is recorded with the queued
email, so the worker, which has no request, still links to the server the signer used (the
quick start's http://127.0.0.1:8000); the view hands it over (``believed_base_url``). That
address comes from the Host header (or, through
the ``TRUSTED_PROXY_HOPS`` proxies only, X-Forwarded-Host/-Proto), which any client can
write, so it is believed only when it is a plain loopback ``host[:port]`` (localhost,
127.0.0.0/8, [::1]): a spoofed header then points at the reader's own machine at worst, and
can never put someone else's site into an email the campaign sends. Any other address needs
``PUBLIC_BASE_URL``; until it is set, links fall back to http://localhost with a warning.
"""

import ipaddress
import logging
import re

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

log = logging.getLogger(__name__)

UNSUBSCRIBE_SALT = "unsubscribe"
FALLBACK_BASE_URL = "http://localhost"
# A host name or bracketed IPv6 literal and an optional port: nothing else may reach a link.
PLAIN_HOST = re.compile(r"(?P<name>[A-Za-z0-9.-]{1,253}|\[[0-9A-Fa-f:.]{2,45}\])(?::\d{1,5})?")


def _loopback(name: str) -> bool:
    if name.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(name.strip("[]")).is_loopback
    except ValueError:
        return False


def believed_base_url(scheme: str, host: str) -> str | None:
    """The base for links in a message queued by a request to ``scheme://host``, to record
    with it.

    None when ``PUBLIC_BASE_URL`` decides anyway, or when the request's address is not one
    to believe (see the module notes).
    """
    if current_app.config["PUBLIC_BASE_URL"]:
        return None
    match = PLAIN_HOST.fullmatch(host)
    if scheme not in ("http", "https") or not match or not _loopback(match["name"]):
        return None
    return f"{scheme}://{host}"


def base_url(recorded: str | None = None) -> str:
    configured = current_app.config["PUBLIC_BASE_URL"]
    if configured:
        return configured
    if recorded:
        return recorded
    log.warning("PUBLIC_BASE_URL is not set; links in email point at %s", FALLBACK_BASE_URL)
    return FALLBACK_BASE_URL


def confirm_url(token: str, recorded: str | None = None) -> str:
    return f"{base_url(recorded)}/confirm/{token}"


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=UNSUBSCRIBE_SALT)


def unsubscribe_token(person_id: int) -> str:
    return _serializer().dumps(person_id)


def unsubscribe_url(person_id: int, recorded: str | None = None) -> str:
    return f"{base_url(recorded)}/unsubscribe/{unsubscribe_token(person_id)}"


def person_from_unsubscribe(token: str) -> int | None:
    try:
        value = _serializer().loads(token)
    except BadSignature:
        return None
    return value if isinstance(value, int) else None
