"""Request and response rules that hold on every route: media types, security headers."""

from flask import Flask, current_app, request

from campaign.errors import abort

JSON_TYPES = ("application/json",)
# The API returns data, never pages: nothing may load or frame it.
API_CSP = "default-src 'none'; frame-ancestors 'none'"
# Swagger UI is a page of our own scripts plus one inline bootstrap script.
DOCS_CSP = (
    "default-src 'none'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'"
)


def _is_json(mimetype: str) -> bool:
    return mimetype in JSON_TYPES or mimetype.endswith("+json")


def check_body():
    """413 for a declared body over the limit, 415 for a write that is not JSON.

    Both before routing and reading, so that nothing parses what will be refused.
    """
    limit = current_app.config["MAX_CONTENT_LENGTH"]
    if limit and (request.content_length or 0) > limit:
        abort(413, f"The body is over the limit of {limit} bytes.", slug="body-too-large")
    if request.method not in ("POST", "PUT", "PATCH"):
        return
    has_body = (request.content_length or 0) > 0 or request.headers.get("Transfer-Encoding")
    if has_body and not _is_json(request.mimetype):
        abort(
            415,
            f"Send the body as application/json, not {request.mimetype or 'an unnamed type'}.",
            slug="unsupported-media-type",
        )


def security_headers(response):
    headers = response.headers
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "no-referrer")
    if request.path.startswith("/docs"):
        headers.setdefault("Content-Security-Policy", DOCS_CSP)
        headers.setdefault("X-Frame-Options", "DENY")
    else:
        # Pages with their own needs (the embed widget) set a policy before this runs.
        headers.setdefault("Content-Security-Policy", API_CSP)
    return response


def register(app: Flask) -> None:
    app.before_request(check_body)
    app.after_request(security_headers)
