"""The embeddable advocacy widget page (``embed.js`` with ``data-advocacy="{slug}"``): asks
for the ZIP, shows who represents the person with their phone and contact links, records
the outreach and shows the letter to paste. Same languages, CSP and caching as the petition
widget, whose blueprint serves the assets."""

from urllib.parse import quote

from flask import Blueprint, render_template, request

from campaign.api.embed import HONEYPOT, asset_urls, page_response, script_data, unavailable
from campaign.services import advocacy
from campaign.services.errors import NotFound
from campaign.site import widget, widget_advocacy

bp = Blueprint("embed_advocacy", __name__)
FIELDS = (
    ("given_name", "given-name", "text", True),
    ("family_name", "family-name", "text", False),
    ("email", "email", "email", True),
)


@bp.get("/embed/advocacy/<slug>")
def advocacy_page(slug: str):
    lang = widget.choose_language(request.args.get("lang"), request.accept_languages)
    t = widget_advocacy.strings(lang)
    try:
        found = advocacy.public_advocacy(slug)
    except NotFound:
        return unavailable(lang, t)
    path = f"/api/v1/advocacy-campaigns/{quote(found.slug, safe='')}"
    data = script_data(
        lang,
        type=found.type,
        lookup=f"{path}/targets",
        action=f"{path}/outreaches",
        strings=widget_advocacy.script_strings(lang),
    )
    html = render_template(
        "embed/advocacy.html",
        lang=lang,
        t=t,
        advocacy=found,
        fields=FIELDS,
        honeypot=HONEYPOT,
        assets=asset_urls(),
        data=data,
    )
    return page_response(html)
