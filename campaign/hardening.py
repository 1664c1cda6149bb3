"""Request and response rules that hold on every route: media types, security headers."""

import json
import re

from flask import Flask, current_app, request

from campaign.errors import abort
from schemas import CONTROL_MESSAGE

JSON_TYPES = ("application/json",)
# Pages linked from email take form posts: the confirm button, one-click unsubscribe (RFC 8058).
FORM_PATHS = ("/confirm/", "/unsubscribe/")
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f-\x9f]")
# No body this API takes nests deeper than a few levels; past this it is refused before the
# parser's recursion could fail.
MAX_JSON_DEPTH = 32
LONE_SURROGATE = re.compile("[\ud800-\udfff]")
# The words the input schemas use for every refused character category (Cc and Cs).
SURROGATE_MESSAGE = CONTROL_MESSAGE
# The API returns data, never pages: nothing may load or frame it.
API_CSP = "default-src 'none'; frame-ancestors 'none'"
# Swagger UI is a page of our own scripts plus one inline bootstrap script.
DOCS_CSP = (
    "default-src 'none'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'"
)


def _is_json(mimetype: str) -> bool:
    return mimetype in JSON_TYPES or mimetype.endswith("+json")


def check_url():
    """400 for a path or query with control characters, before any of it reaches a query.

    PostgreSQL cannot hold NUL in text, so a slug such as ``a%00b`` would otherwise fail
    inside the driver instead of simply naming nothing.
    """
    bad = CONTROL_CHARACTERS.search(request.path)
    # The query is parsed only when there is one: most reads carry none.
    if not bad and request.environ.get("QUERY_STRING"):
        values = [*request.args.keys(), *(v for _, v in request.args.items(multi=True))]
        bad = any(CONTROL_CHARACTERS.search(value) for value in values)
    if bad:
        abort(400, "The URL contains control characters.", slug="invalid-url")


def check_body():
    """413 for a declared body over the limit, 415 for a write that is not JSON.

    Both before routing and reading, so that nothing parses what will be refused.
    """
    environ = request.environ
    if environ.get("CONTENT_LENGTH", "0") in ("", "0") and "HTTP_TRANSFER_ENCODING" not in environ:
        return  # no body: nothing to measure or to type
    limit = current_app.config["MAX_CONTENT_LENGTH"]
    if limit and (request.content_length or 0) > limit:
        abort(413, f"The body is over the limit of {limit} bytes.", slug="body-too-large")
    # A chunked body has no declared length; Werkzeug silently stops reading at the limit,
    # so a body that fills it is refused here rather than parsed truncated.
    chunked = request.content_length is None and request.headers.get("Transfer-Encoding")
    if limit and chunked and len(request.get_data(cache=True)) >= limit:
        abort(413, f"The body is over the limit of {limit} bytes.", slug="body-too-large")
    if request.method not in ("POST", "PUT", "PATCH"):
        return
    if request.path.startswith(FORM_PATHS) and request.mimetype in FORM_TYPES:
        return
    has_body = (request.content_length or 0) > 0 or request.headers.get("Transfer-Encoding")
    if has_body and not _is_json(request.mimetype):
        abort(
            415,
            f"Send the body as application/json, not {request.mimetype or 'an unnamed type'}.",
            slug="unsupported-media-type",
        )


def _bad_json(detail: str):
    abort(400, detail, slug="invalid-json")


def _has_surrogate(value, depth: int = 1) -> bool:
    """Whether ``value`` or anything in it holds a lone surrogate; depth is bounded first."""
    stack = [(value, depth)]
    while stack:
        item, level = stack.pop()
        if level > MAX_JSON_DEPTH:
            _bad_json(f"The JSON body is nested deeper than {MAX_JSON_DEPTH} levels.")
        if isinstance(item, dict):
            stack.extend((key, level) for key in item)
            stack.extend((child, level + 1) for child in item.values())
        elif isinstance(item, list):
            stack.extend((child, level + 1) for child in item)
        elif isinstance(item, str) and LONE_SURROGATE.search(item):
            return True
    return False


def _check_strings(document) -> None:
    """400 for a body nested deeper than MAX_JSON_DEPTH; 422 naming each top-level field that
    holds a lone surrogate anywhere (a field no schema reads, such as the honeypot, too): no
    such text can be stored, logged or encoded as UTF-8. Walked with a stack, never recursion.
    """
    if not isinstance(document, dict):
        _has_surrogate(document)
        return
    errors = {}
    for key, value in document.items():
        if LONE_SURROGATE.search(key) or _has_surrogate(value, 2):
            name = key.encode("ascii", "backslashreplace").decode()
            errors[name] = [SURROGATE_MESSAGE]
    if errors:
        abort(
            422,
            "The request has invalid fields: " + ", ".join(sorted(errors)),
            slug="validation",
            errors=errors,
        )


def check_json():
    """400 for a JSON body Python's parser fails on in ways other than a syntax error:
    nesting past its recursion limit, an integer over its digit limit (ValueError).

    Bodies are at most MAX_BODY_BYTES, so reading one twice (here and in the view) is cheap.
    """
    if request.method not in ("POST", "PUT", "PATCH") or not _is_json(request.mimetype):
        return
    data = request.get_data(cache=True)
    if not data:
        return
    try:
        # UTF-8 only (RFC 8259), without a byte order mark: bytes json.loads would guess to
        # be UTF-16 or 32, or a BOM, would reach the view's parser and fail there.
        document = json.loads(data.decode("utf-8"))
    except RecursionError:
        _bad_json(f"The JSON body is nested deeper than {MAX_JSON_DEPTH} levels.")
    except ValueError as error:
        # Syntax errors, bytes that are not UTF-8 or start with a BOM, and numbers of
        # thousands of digits.
        _bad_json(f"The body is not valid JSON: {str(error)[:200]}")
    _check_strings(document)


API_HEADERS = (
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "no-referrer"),
    ("Content-Security-Policy", API_CSP),
)
DOCS_HEADERS = (
    *API_HEADERS[:2],
    ("Content-Security-Policy", DOCS_CSP),
    ("X-Frame-Options", "DENY"),
)


def security_headers(response):
    headers = response.headers
    # Pages with their own needs (the embed widget) set a policy before this runs. The names
    # present are read in one pass: asking Headers for a missing name raises (and builds) an
    # exception each time.
    present = {name.lower() for name, _ in headers.items()}
    wanted = DOCS_HEADERS if request.path.startswith("/docs") else API_HEADERS
    for name, value in wanted:
        if name.lower() not in present:
            headers.add(name, value)
    return response


def check_request():
    """Every request check, in order, as one hook (each hook costs a dispatch per request)."""
    check_url()
    check_body()
    check_json()


def register(app: Flask) -> None:
    app.before_request(check_request)
    app.after_request(security_headers)
