"""The embeddable advocacy widget page (``embed.js`` with ``data-advocacy="{slug}"``): asks
for the ZIP, shows who represents the person with their phone and contact links, records
the outreach and shows the letter to paste. Same languages, CSP and caching as the petition
widget, whose blueprint serves the assets."""

from urllib.parse import quote

from flask import Blueprint, make_response, render_template, request

from campaign.api.embed import HONEYPOT, PAGE_MAX_AGE, _asset_urls, frame_ancestors
from campaign.services import advocacy
from campaign.services.errors import NotFound
from campaign.site import widget, widget_advocacy

bp = Blueprint("embed_advocacy", __name__)
FIELDS = (
    ("given_name", "given-name", "text", True),
    ("family_name", "family-name", "text", False),
    ("email", "email", "email", True),
)


def _page(html: str, status: int = 200):
    response = make_response(html, status)
    response.headers["Content-Security-Policy"] = widget.page_csp(frame_ancestors())
    response.headers["Cache-Control"] = f"public, max-age={PAGE_MAX_AGE}"
    response.vary.add("Accept-Language")
    return response


@bp.get("/embed/advocacy/<slug>")
def advocacy_page(slug: str):
    lang = widget.choose_language(request.args.get("lang"), request.accept_languages)
    t = widget_advocacy.strings(lang)
    try:
        found = advocacy.public_advocacy(slug)
    except NotFound:
        return _page(render_template("embed/unavailable.html", lang=lang, t=t), 404)
    path = f"/api/v1/advocacy-campaigns/{quote(found.slug, safe='')}"
    data = {
        "lang": lang,
        "type": found.type,
        "lookup": f"{path}/targets",
        "action": f"{path}/outreaches",
        "grouping": widget.GROUPING.get(lang, ","),
        "source": widget.clean_source(request.args.get("source")),
        "referrer": widget.clean_referrer(request.args.get("referrer")),
        "widget_key": widget.clean_widget_key(request.args.get("key")),
        "honeypot": HONEYPOT,
        "strings": widget_advocacy.script_strings(lang),
    }
    html = render_template(
        "embed/advocacy.html",
        lang=lang,
        t=t,
        advocacy=found,
        fields=FIELDS,
        honeypot=HONEYPOT,
        assets=_asset_urls(),
        data=data,
    )
    return _page(html)
