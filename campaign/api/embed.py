"""The embeddable petition widget: the iframe page, its assets and the partner's embed.js.

These are pages and scripts for browsers, not JSON resources, so they live in a plain Flask
blueprint outside the OpenAPI document. The page's own Content-Security-Policy is set here
(before hardening's default) so that it may be framed by the configured partner origins
and load nothing but this host's script and style.
"""

from pathlib import Path
from urllib.parse import quote

from flask import Blueprint, current_app, make_response, render_template, request, send_file

from campaign.errors import abort
from campaign.services import catalog
from campaign.services.errors import NotFound
from campaign.site import static, widget

ASSETS = static.files("embed", ("widget.css", "widget.js", "advocacy.js"))
HONEYPOT = widget.HONEYPOT
ASSET_MAX_AGE = 3600
PAGE_MAX_AGE = 30
FIELDS = widget.FORM_FIELDS

bp = Blueprint("embed", __name__)


def asset_urls() -> dict[str, str]:
    return {name: static.url("/embed/assets", name, path) for name, path in ASSETS.items()}


def frame_ancestors() -> str:
    config = current_app.config
    return widget.frame_ancestors(config.get("EMBED_ORIGINS") or [], config["CORS_ORIGINS"])


def page_response(html: str, status: int = 200):
    """A widget page, framable by the partners and cached briefly in each language."""
    response = make_response(html, status)
    response.headers["Content-Security-Policy"] = widget.page_csp(frame_ancestors())
    response.headers["Cache-Control"] = f"public, max-age={PAGE_MAX_AGE}"
    response.vary.add("Accept-Language")
    return response


def unavailable(lang: str, t: dict[str, str]):
    """A framed page must stay a page: an unknown or unpublished one says so in HTML."""
    return page_response(render_template("embed/unavailable.html", lang=lang, t=t), 404)


def script_data(lang: str, **values) -> dict:
    """What a widget page's script reads: its own ``values`` and what the partner passed in,
    cleaned to what the API accepts."""
    return {
        "lang": lang,
        "grouping": widget.GROUPING.get(lang, ","),
        "source": widget.clean_source(request.args.get("source")),
        "referrer": widget.clean_referrer(request.args.get("referrer")),
        "widget_key": widget.clean_widget_key(request.args.get("key")),
        "honeypot": HONEYPOT,
        **values,
    }


@bp.get("/embed/petitions/<slug>")
def petition_page(slug: str):
    lang = widget.choose_language(request.args.get("lang"), request.accept_languages)
    t = widget.strings(lang)
    try:
        petition = catalog.public_petition(slug)
    except NotFound:
        return unavailable(lang, t)
    count_text = widget.count_text(petition.signature_count, petition.goal, lang)
    path = f"/api/v1/petitions/{quote(petition.slug, safe='')}"
    data = script_data(
        lang,
        action=f"{path}/signatures",
        tally=f"{path}/tally",
        goal=petition.goal,
        strings={key: t[key] for key in widget.SCRIPT_STRINGS},
    )
    html = render_template(
        "embed/petition.html",
        lang=lang,
        t=t,
        petition=petition,
        count_text=count_text,
        fields=FIELDS,
        country_options=widget.country_options(lang),
        honeypot=HONEYPOT,
        assets=asset_urls(),
        data=data,
    )
    return page_response(html)


def _static(path: Path, max_age: int):
    response = send_file(path, max_age=max_age, conditional=True)
    # Partners load embed.js from their own origin; say so even if a stricter default arrives.
    response.headers["Cross-Origin-Resource-Policy"] = "cross-origin"
    return response


@bp.get("/embed/assets/<name>")
def asset(name: str):
    if name not in ASSETS:
        abort(404, f"No widget asset is named {name!r}.", slug="not-found")
    return _static(ASSETS[name], ASSET_MAX_AGE)


@bp.get("/embed.js")
def embed_script():
    # Partners' pages reference this one URL forever, so it is cached briefly.
    return _static(static.STATIC_DIR / "embed" / "embed.js", 300)
