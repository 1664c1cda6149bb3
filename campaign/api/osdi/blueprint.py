"""The OSDI blueprint: HAL media type, the OSDI-API-Token scheme, OSDI's error member.

Errors stay RFC 9457 problem documents from the one handler; for a 400, OSDI's
``osdi:error`` object (request_type, response_code, resource_status with
error_descriptions) is added to the document as an extension member, so OSDI clients find
what the spec promises and everyone else finds a problem document.
"""

from functools import wraps

from flask import g, json, request
from flask_smorest import Blueprint

from campaign.api.auth import CHALLENGE, note_use, presented_secret, require_scope
from campaign.api.osdi.hal import PREFIX
from campaign.errors import PROBLEM_MEDIA_TYPE, abort
from campaign.services import tokens
from campaign.services.osdi.helpers import primary_index

HAL_JSON = "application/hal+json"
SCHEME_NAME = "osdiApiToken"
SCHEME = {
    "type": "apiKey",
    "in": "header",
    "name": "OSDI-API-Token",
    "description": "An organizer token (flask --app wsgi tokens create NAME --scopes read)",
}
READ_SCOPE = "read"

blp = Blueprint(
    "osdi",
    __name__,
    url_prefix=PREFIX,
    description="OSDI 1.1 (Open Supporter Data Interface) for organizers' existing tools: "
    "HAL+JSON, OSDI-API-Token, record-signature and person-signup helpers.",
)


def organizer_read(view):
    """Reads need a token with the read scope, checked before anything else runs."""
    view = require_scope(READ_SCOPE)(view)
    view = blp.doc(security=[{SCHEME_NAME: []}])(view)
    view = blp.alt_response(401, response="UNAUTHORIZED")(view)
    return blp.alt_response(403, response="FORBIDDEN")(view)


def optional_reader(view):
    """Helpers take anonymous posts (answered ``{}``); a token, if sent, must be good and
    hold the read scope, since the answer then carries the person's data."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        g.osdi_token = None
        secret = presented_secret()
        if secret:
            token = tokens.authenticate(secret)
            if token is None:
                abort(
                    401,
                    "The OSDI-API-Token is not a valid organizer token.",
                    slug="unauthorized",
                    headers=CHALLENGE,
                )
            if READ_SCOPE not in token.scope_set:
                abort(403, "This token lacks the 'read' scope.", slug="insufficient-scope")
            note_use(token)
            g.osdi_token = token
        return view(*args, **kwargs)

    wrapper = blp.doc(security=[{}, {SCHEME_NAME: []}])(wrapper)
    wrapper = blp.alt_response(401, response="UNAUTHORIZED")(wrapper)
    return blp.alt_response(403, response="FORBIDDEN")(wrapper)


def authenticated() -> bool:
    return g.get("osdi_token") is not None


# What the services name as the native API spells it (a ZIP without members of Congress, an
# address abroad): in a helper's body, a property of the person's primary postal address.
ADDRESS_FIELDS = ("postal_code", "country")


def _osdi_path(key: str) -> str:
    if key not in ADDRESS_FIELDS:
        return key
    body = request.get_json(silent=True)
    person = body.get("person") if isinstance(body, dict) else None
    addresses = person.get("postal_addresses") if isinstance(person, dict) else None
    valid = isinstance(addresses, list) and all(isinstance(a, dict) for a in addresses)
    return f"person.postal_addresses[{primary_index(addresses) if valid else 0}].{key}"


def _properties(errors, prefix: str = "") -> list[tuple[str, str]]:
    """(property path, message) pairs from a nested marshmallow error map."""
    pairs: list[tuple[str, str]] = []
    for key, value in errors.items():
        # List positions arrive as strings: the problem document has been through JSON.
        if str(key).isdigit():
            path = f"{prefix}[{key}]"
        else:
            path = f"{prefix}.{key}" if prefix else _osdi_path(str(key))
        if isinstance(value, dict):
            pairs += _properties(value, path)
        else:
            pairs += [(path, str(message)) for message in value]
    return pairs


def _resource() -> str:
    last = request.path.rstrip("/").rsplit("/", 1)[-1]
    if request.method == "POST":
        return {"signatures": "osdi:signature", "outreaches": "osdi:outreach"}.get(
            last, "osdi:person"
        )
    return f"osdi:{last}"


def osdi_error(problem: dict, status: int) -> dict:
    descriptions = [
        {"error_code": "INVALID_PROPERTY", "description": message, "properties": [path]}
        for path, message in _properties(problem.get("errors") or {})
    ] or [{"error_code": "BAD_REQUEST", "description": problem.get("detail", "")}]
    return {
        "request_type": "atomic",
        "response_code": status,
        "resource_status": [
            {"resource": _resource(), "response_code": status, "error_descriptions": descriptions}
        ],
    }


@blp.after_request
def osdi_response(response):
    if response.mimetype == "application/json":
        response.mimetype = HAL_JSON
    elif response.mimetype == PROBLEM_MEDIA_TYPE and response.status_code in (400, 422):
        # A body the schema refuses is a 400; one the service cannot act on (no members of
        # Congress for the address, a target not offered) a 422. Both say which property.
        problem = response.get_json(silent=True) or {}
        problem["osdi:error"] = osdi_error(problem, response.status_code)
        response.set_data(json.dumps(problem))
    # Organizer reads carry personal data; helper answers are per request.
    response.headers.setdefault("Cache-Control", "private, no-store")
    return response
