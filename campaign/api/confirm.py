"""Pages linked from email: confirming a signature and one-click unsubscribe.

GET only shows a page with a button: mail scanners and link previews fetch URLs, and must
neither confirm a signature nor use up its token nor unsubscribe anyone. The button POSTs.
Unsubscribe also accepts the mail client's own RFC 8058 POST (``List-Unsubscribe=One-Click``).
"""

from flask import Blueprint, Flask, render_template

from campaign.services import confirmation, links, privacy

bp = Blueprint("email_pages", __name__)

# A page of our own markup with inline styles and one form back to ourselves.
PAGE_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'"
)


def _page(template: str, status: int = 200, **context):
    body = render_template(template, **context)
    return body, status, {"Content-Security-Policy": PAGE_CSP, "Cache-Control": "no-store"}


@bp.get("/confirm/<token>")
def confirm_page(token: str):
    petition = confirmation.lookup(token)
    return _page("confirm/confirm.html", 200 if petition else 404, petition=petition)


@bp.post("/confirm/<token>")
def confirm(token: str):
    petition = confirmation.confirm(token)
    return _page("confirm/confirmed.html", 200 if petition else 404, petition=petition)


@bp.get("/unsubscribe/<token>")
def unsubscribe_page(token: str):
    valid = links.person_from_unsubscribe(token) is not None
    return _page("confirm/unsubscribe.html", 200 if valid else 404, valid=valid, done=False)


@bp.post("/unsubscribe/<token>")
def unsubscribe(token: str):
    done = privacy.unsubscribe(token)
    return _page("confirm/unsubscribe.html", 200 if done else 404, valid=done, done=done)


def register(app: Flask) -> None:
    app.register_blueprint(bp)
