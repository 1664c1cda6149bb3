"""The organizer dashboard: one page that asks for a token and then calls the organizer API.

The page itself holds no data and no secret: its script keeps the token in sessionStorage
and sends it only as ``Authorization: Bearer`` to the API, so the page is the same for
everyone and may be cached like the others (never indexed).
"""

from flask import Blueprint, render_template

from campaign.site import strings, web, widget

bp = Blueprint("organize", __name__)

SCRIPT_KEYS = (*strings.SITE["en"], "error_required")


@bp.get("/organize")
def dashboard():
    lang = web.language()
    t = strings.strings(lang)
    html = render_template(
        "site/organize.html",
        lang=lang,
        t=t,
        path="/organize",
        link=web.link,
        asset=web.asset_url,
        canonical=web.public_url("/organize", lang),
        languages=[(code, widget.STRINGS[code]["name"]) for code in widget.LANGUAGES],
        data=web.script_data(lang, t, SCRIPT_KEYS),
    )
    return web.page_response(html, public=False)
