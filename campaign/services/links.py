"""Links that go out in email: confirmation and one-click unsubscribe.

The unsubscribe token is the person's id signed with ``SECRET_KEY``: nothing is stored, and
it keeps working for as long as the person exists.
"""

import logging

from flask import current_app, has_request_context, request
from itsdangerous import BadSignature, URLSafeSerializer

log = logging.getLogger(__name__)

UNSUBSCRIBE_SALT = "unsubscribe"


def base_url() -> str:
    configured = current_app.config["PUBLIC_BASE_URL"]
    if configured:
        return configured
    if has_request_context():
        return request.url_root.rstrip("/")
    log.warning("PUBLIC_BASE_URL is not set; links in email point at http://localhost")
    return "http://localhost"


def confirm_url(token: str) -> str:
    return f"{base_url()}/confirm/{token}"


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=UNSUBSCRIBE_SALT)


def unsubscribe_token(person_id: int) -> str:
    return _serializer().dumps(person_id)


def unsubscribe_url(person_id: int) -> str:
    return f"{base_url()}/unsubscribe/{unsubscribe_token(person_id)}"


def person_from_unsubscribe(token: str) -> int | None:
    try:
        value = _serializer().loads(token)
    except BadSignature:
        return None
    return value if isinstance(value, int) else None
