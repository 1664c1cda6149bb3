"""What the signature and sign-up endpoints share: headers they read, the honeypot."""

from flask import request

from campaign.ratelimit import WIDGET_KEY_HEADER, WIDGET_KEY_PATTERN
from campaign.services import idempotency

ACTION_PARAMETERS = [
    {
        "in": "header",
        "name": idempotency.HEADER,
        "required": False,
        "schema": {"type": "string", "maxLength": idempotency.MAX_KEY_LENGTH},
        "description": "Retry safely: the same key and body within 24 hours get the first "
        "response back (with Idempotent-Replayed: true); the same key with another body is "
        "refused with 422.",
    },
    {
        "in": "header",
        "name": WIDGET_KEY_HEADER,
        "required": False,
        "schema": {"type": "string", "pattern": f"^{WIDGET_KEY_PATTERN.pattern}$"},
        "description": "The public identifier of the partner's embed widget; requests that "
        "carry one also count against that widget's own rate limit.",
    },
]


def idempotency_key() -> str | None:
    return idempotency.parse_key(request.headers.get(idempotency.HEADER))


def honeypot_filled(details: dict) -> bool:
    value = details.pop("website", None)
    return value not in (None, "", False)


# Refusals every public write can give before or besides validation (422, documented by
# flask-smorest itself), so that clients and the OpenAPI document know them all.
WRITE_REFUSALS = (
    (400, "The body is not valid JSON, or a header is malformed"),
    (413, "The body is over MAX_BODY_BYTES"),
    (415, "The body is not application/json"),
    (
        503,
        "The database (or, when configured to fail closed, the rate limiter) is "
        "unavailable; see Retry-After",
    ),
)


def document_refusals(blp):
    """Add the common write refusals to a view's documented responses."""

    def decorate(view):
        for status, description in WRITE_REFUSALS:
            view = blp.alt_response(status, description=description)(view)
        return view

    return decorate
