"""What every site page shares: asset URLs, the API base, the response headers."""

from urllib.parse import urlsplit

from flask import Blueprint, current_app, make_response, request, send_file

from campaign.errors import abort
from campaign.site import static, widget

ASSETS = static.files("site", ("site.css", "charts.js", "site.js", "panels.js", "organize.js"))
ASSET_MAX_AGE = 3600
# Pages are cached briefly, like the campaign JSON: a news spike is answered by caches.
PAGE_MAX_AGE = 30

assets = Blueprint("site_assets", __name__)


def asset_url(name: str) -> str:
    return static.url("/site/assets", name, ASSETS[name])


@assets.get("/site/assets/<name>")
def asset(name: str):
    if name not in ASSETS:
        abort(404, f"No site asset is named {name!r}.", slug="not-found")
    return send_file(ASSETS[name], max_age=ASSET_MAX_AGE, conditional=True)


def api_origin() -> str:
    """The origin of ``SITE_API_BASE`` (empty when the API is this page's own origin)."""
    base = current_app.config.get("SITE_API_BASE", "")
    if not base:
        return ""
    parts = urlsplit(base)
    return f"{parts.scheme}://{parts.netloc}"


def page_response(html: str, status: int = 200, *, public: bool = True):
    """A page with the embed page's strict policy (this host only, never framed), cached with
    an ETag so that repeats are a 304."""
    response = make_response(html, status)
    response.headers["Content-Security-Policy"] = widget.page_csp("'none'", api_origin())
    response.headers["X-Frame-Options"] = "DENY"
    if public:
        response.headers["Cache-Control"] = f"public, max-age={PAGE_MAX_AGE}"
    else:
        response.headers["Cache-Control"] = "no-cache"
    response.vary.add("Accept-Language")
    if status == 200:
        response.add_etag()
        response.make_conditional(request)
    return response


def language() -> str:
    return widget.choose_language(request.args.get("lang"), request.accept_languages)


def link(path: str) -> str:
    """A link to another page of the site, keeping a language the visitor chose."""
    chosen = request.args.get("lang")
    lang = language() if chosen else ""
    return f"{path}?lang={lang}" if lang else path


def public_url(path: str, lang: str) -> str:
    """The page's address for canonical links and previews (Armenian pages have their own)."""
    base = current_app.config.get("PUBLIC_BASE_URL") or request.url_root.rstrip("/")
    return f"{base}{path}" + ("?lang=hy" if lang == "hy" else "")


def script_data(lang: str, t: dict, keys, **extra) -> dict:
    """What a page's script reads from its JSON block: where the API is and its words."""
    return {
        "api": current_app.config.get("SITE_API_BASE", ""),
        "lang": lang,
        "grouping": widget.GROUPING.get(lang, ","),
        "strings": {key: t[key] for key in keys},
        **extra,
    }
