"""Reads that the public and organizers share, as HTTP-cacheable JSON.

An anonymous read is the same for everyone: it carries an ``ETag``, answers 304 to a
matching ``If-None-Match`` and says ``Cache-Control: public, max-age, stale-while-revalidate``
like the tally, so browsers, proxies and each worker's copy (public_cache) may keep it. A read
with an organizer token may include drafts, so it is ``private, no-store``; both say
``Vary: Origin, Authorization`` so that no shared cache hands one to the other.
"""

import hashlib

from flask import Response, current_app, request
from flask_smorest import Blueprint

from campaign.api.auth import optional_organizer
from campaign.api.security import SCHEME_NAME
from campaign.services import tallies

PRIVATE = "private, no-store"
VARY = "Origin, Authorization"
HEADERS_DOC = {
    "ETag": {"description": "Changes whenever the body does", "schema": {"type": "string"}},
    "Cache-Control": {
        "description": "`public, max-age=TALLY_MAX_AGE, stale-while-revalidate=...` "
        "anonymously; `private, no-store` with an organizer token",
        "schema": {"type": "string"},
    },
    "Vary": {"description": "`Origin, Authorization`", "schema": {"type": "string"}},
}


def organizer_reads(blp: Blueprint, schema, not_found: str | None):
    """Document a read that answers anyone and shows organizers drafts too."""

    def decorator(view):
        view = blp.doc(security=[{}, {SCHEME_NAME: []}])(view)
        view = blp.alt_response(401, response="UNAUTHORIZED")(view)
        if not_found:
            view = blp.alt_response(404, description=not_found)(view)
        view = blp.alt_response(304, description="Unchanged since the ETag sent")(view)
        return blp.response(200, schema, headers=HEADERS_DOC)(view)

    return decorator


def include_drafts() -> bool:
    """Whether this read shows drafts: it carries a live organizer token of any scope."""
    return optional_organizer() is not None


def cacheable(schema, data, *, private: bool) -> Response:
    """``data`` dumped by ``schema``, with its ETag and caching headers, or a 304."""
    response = current_app.json.response(schema.dump(data))
    etag = hashlib.blake2b(response.get_data(), digest_size=12).hexdigest()
    headers = {
        "ETag": f'"{etag}"',
        "Cache-Control": PRIVATE if private else tallies.cache_control(current_app.config),
        "Vary": VARY,
    }
    # If-None-Match compares weakly (RFC 9110), so a proxy's W/ form matches too.
    if request.if_none_match.contains_weak(etag):
        return Response(status=304, headers=headers)
    response.headers.update(headers)
    return response
