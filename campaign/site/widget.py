"""The embed widget's words, languages, country list and the rules for what a partner passes in.

The widget speaks English and Armenian; the petition's own title and text are shown as
stored. A language is chosen by ``?lang=`` (the snippet's ``data-lang``), else by the
browser's ``Accept-Language``, else English.
"""

import gettext
import re
from functools import cache
from urllib.parse import urlsplit, urlunsplit

import pycountry
from markupsafe import Markup, escape

from campaign.ratelimit import WIDGET_KEY_PATTERN

DEFAULT_LANGUAGE = "en"

STRINGS: dict[str, dict[str, str]] = {
    "en": {
        "name": "English",
        "petition_to": "To",
        "read_petition": "Read the petition",
        "signatures": "signatures",
        "count_of_goal": "{count} of {goal} signatures",
        "count_only": "{count} signatures",
        "progress_label": "Progress toward the goal",
        "form_heading": "Sign the petition",
        "given_name": "First name",
        "family_name": "Last name",
        "email": "Email",
        "postal_code": "Postal code",
        "country": "Country",
        "choose_country": "Choose your country",
        "consent": "Keep me informed about this campaign by email",
        "required": "required",
        "honeypot": "Leave this field empty",
        "submit": "Sign",
        "sending": "Sending…",
        "thanks_heading": "Thank you for signing!",
        "thanks_text": "Your signature has been counted. Please share this petition.",
        "thanks_confirm": (
            "We have sent you an email: your signature counts once you confirm it there."
        ),
        "closed": "This petition is closed to new signatures.",
        "unavailable": "This petition is not available.",
        "error_required": "Please fill in this field.",
        "error_email": "Please enter a valid email address.",
        "error_fields": "Please correct the fields marked below.",
        "error_rate": (
            "Too many signatures have been sent from your connection. "
            "Please try again in {minutes} minutes."
        ),
        "error_rate_soon": (
            "Too many signatures have been sent from your connection. Please try again in a minute."
        ),
        "error_closed": "This petition no longer takes signatures.",
        "error_generic": "Something went wrong. Please try again in a moment.",
        "badge_label": "signatures",
        "badge_value": "{count} of {goal}",
        "frame_title": "Petition: {title}",
    },
    "hy": {
        "name": "Հայերեն",
        "petition_to": "Հասցեատեր",
        "read_petition": "Կարդալ խնդրագիրը",
        "signatures": "ստորագրություն",
        "count_of_goal": "Հավաքվել է {count} ստորագրություն {goal}-ից",
        "count_only": "Հավաքվել է {count} ստորագրություն",
        "progress_label": "Առաջընթաց դեպի նպատակը",
        "form_heading": "Ստորագրեք խնդրագիրը",
        "given_name": "Անուն",
        "family_name": "Ազգանուն",
        "email": "Էլ. փոստ",
        "postal_code": "Փոստային ինդեքս",
        "country": "Երկիր",
        "choose_country": "Ընտրեք ձեր երկիրը",
        "consent": "Տեղեկացրեք ինձ այս արշավի մասին էլ. փոստով",
        "required": "պարտադիր",
        "honeypot": "Թողեք այս դաշտը դատարկ",
        "submit": "Ստորագրել",
        "sending": "Ուղարկվում է…",
        "thanks_heading": "Շնորհակալություն ստորագրելու համար։",
        "thanks_text": "Ձեր ստորագրությունը հաշվառված է։ Խնդրում ենք տարածել այս խնդրագիրը։",
        "thanks_confirm": (
            "Մենք ձեզ նամակ ենք ուղարկել։ Ձեր ստորագրությունը կհաշվառվի, երբ այն հաստատեք։"
        ),
        "closed": "Այս խնդրագիրն այլևս նոր ստորագրություններ չի ընդունում։",
        "unavailable": "Այս խնդրագիրը հասանելի չէ։",
        "error_required": "Խնդրում ենք լրացնել այս դաշտը։",
        "error_email": "Խնդրում ենք մուտքագրել վավեր էլ. փոստի հասցե։",
        "error_fields": "Խնդրում ենք ուղղել ստորև նշված դաշտերը։",
        "error_rate": (
            "Ձեր կապից չափազանց շատ ստորագրություններ են ուղարկվել։ "
            "Խնդրում ենք կրկին փորձել {minutes} րոպեից։"
        ),
        "error_rate_soon": (
            "Ձեր կապից չափազանց շատ ստորագրություններ են ուղարկվել։ "
            "Խնդրում ենք կրկին փորձել մեկ րոպեից։"
        ),
        "error_closed": "Այս խնդրագիրն այլևս ստորագրություններ չի ընդունում։",
        "error_generic": "Ինչ-որ բան սխալ գնաց։ Խնդրում ենք մի փոքր անց կրկին փորձել։",
        "badge_label": "ստորագրություն",
        "badge_value": "{count} / {goal}",
        "frame_title": "Խնդրագիր՝ {title}",
    },
}
LANGUAGES = tuple(STRINGS)
# Digit grouping as each language writes it (CLDR: Armenian groups with a no-break space).
# The page script groups with the same character rather than trusting the browser's Intl
# data, which some builds lack for Armenian.
GROUPING = {"en": ",", "hy": "\u00a0"}
# What every page script needs to send a form and to say why the API refused it.
FORM_SCRIPT_STRINGS = (
    "sending",
    "error_required",
    "error_email",
    "error_fields",
    "error_rate",
    "error_rate_soon",
    "error_generic",
)
# The strings embed.js's page script needs in the browser; the rest are rendered server-side.
SCRIPT_STRINGS = ("count_of_goal", "count_only", "submit", "error_closed", *FORM_SCRIPT_STRINGS)

# The sign form's fields, shared by the widget and the campaign website: (name, autocomplete
# token, input type, required), in the order the form shows them. Names are the API's.
FORM_FIELDS = (
    ("given_name", "given-name", "text", True),
    ("family_name", "family-name", "text", False),
    ("email", "email", "email", True),
    ("postal_code", "postal-code", "text", False),
    ("country", "country", "select", False),
)
# The hidden field bots fill (the API's honeypot, schemas/actions.py).
HONEYPOT = "website"

SOURCE_MAX = 64
REFERRER_MAX = 2048
# The signature schema accepts letters, digits, "-" and "_" in a source code.
_SOURCE_RE = re.compile(r"[^A-Za-z0-9_-]+")
# One CSP source expression: a scheme-and-host origin (wildcard subdomain and port allowed).
_ORIGIN_RE = re.compile(r"^https?://(\*\.)?[A-Za-z0-9.-]+(:\d{1,5})?$")


def choose_language(requested: str | None, accept_languages) -> str:
    """``requested`` (e.g. ``hy`` or ``hy-AM``) if supported, else the browser's best match."""
    if requested:
        primary = requested.strip().lower().replace("_", "-").split("-")[0]
        if primary in STRINGS:
            return primary
    if accept_languages is not None:
        match = accept_languages.best_match(LANGUAGES)
        if match:
            return match
    return DEFAULT_LANGUAGE


def strings(language: str) -> dict[str, str]:
    return STRINGS.get(language, STRINGS[DEFAULT_LANGUAGE])


def format_count(number: int, language: str) -> str:
    return f"{number:,}".replace(",", GROUPING.get(language, ","))


def count_text(count: int, goal: int, language: str) -> str:
    """The count as pages say it, in ``language``: 1,234 of 10,000 signatures (or no goal)."""
    t = strings(language)
    shown = {"count": format_count(count, language), "goal": format_count(goal, language)}
    return (t["count_of_goal"] if goal else t["count_only"]).format(**shown)


@cache
def countries(language: str) -> tuple[tuple[str, str], ...]:
    """(alpha-2 code, name in ``language``) for every ISO 3166-1 country, sorted by name."""
    try:
        translation = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[language])
    except OSError:
        translation = gettext.NullTranslations()
    names = []
    for country in pycountry.countries:
        english = getattr(country, "common_name", None) or country.name
        names.append((country.alpha_2, translation.gettext(english)))
    return tuple(sorted(names, key=lambda pair: pair[1].casefold()))


@cache
def country_options(language: str) -> Markup:
    """The country list's options, rendered once per language: every sign form repeats it."""
    return Markup("\n").join(
        Markup('<option value="{}">{}').format(code, escape(label))
        for code, label in countries(language)
    )


def clean_source(raw: str | None) -> str:
    """A partner's source code as counters key it: short, plain characters, else empty."""
    return _SOURCE_RE.sub("-", (raw or "").strip())[:SOURCE_MAX].strip("-")


def clean_widget_key(raw: str | None) -> str:
    """The partner's public widget key when well formed (the API's pattern), else empty."""
    raw = (raw or "").strip()
    return raw if WIDGET_KEY_PATTERN.fullmatch(raw) else ""


def clean_referrer(raw: str | None) -> str:
    """The embedding page's address without credentials or fragment, else empty."""
    raw = (raw or "").strip()
    if not raw or len(raw) > 4 * REFERRER_MAX:
        return ""
    try:
        parts = urlsplit(raw)
        port = parts.port
    except ValueError:
        return ""
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return ""
    host = parts.hostname if port is None else f"{parts.hostname}:{port}"
    if ":" in parts.hostname:
        host = f"[{parts.hostname}]" + (f":{port}" if port is not None else "")
    url = urlunsplit((parts.scheme, host, parts.path, parts.query, ""))
    return url[:REFERRER_MAX]


def frame_ancestors(embed_origins: list[str], cors_origins: list[str]) -> str:
    """The CSP ``frame-ancestors`` value: this host, plus the configured partner origins.

    ``EMBED_ORIGINS`` names the partners; when it is empty the API's ``CORS_ORIGINS`` (the
    campaign's own sites) are used. Entries that are not plain origins are dropped so that
    configuration can never inject another CSP directive. ``*`` must be asked for explicitly.
    """
    configured = embed_origins or cors_origins
    if "*" in configured:
        return "*"
    sources = ["'self'"]
    for origin in configured:
        origin = origin.strip().rstrip("/")
        if _ORIGIN_RE.match(origin) and origin not in sources:
            sources.append(origin)
    return " ".join(sources)


def page_csp(ancestors: str, api_origin: str = "") -> str:
    """The page's policy: its own scripts, styles and API calls, nothing external.

    ``api_origin`` adds the one other origin a page served apart from its API may call.
    """
    connect = "'self'"
    if api_origin and _ORIGIN_RE.match(api_origin) and "*" not in api_origin:
        connect += f" {api_origin}"
    return (
        "default-src 'none'; script-src 'self'; style-src 'self'; "
        f"connect-src {connect}; "
        "img-src 'self' data:; form-action 'self'; base-uri 'none'; "
        f"frame-ancestors {ancestors}"
    )


# XML 1.0 cannot carry these characters even escaped; a badge must always parse.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
BADGE_CHAR_WIDTH = 7
BADGE_PADDING = 12


def badge(title: str, count: int, goal: int, language: str) -> dict:
    """What the progress badge says and how wide each part is (text is escaped on render)."""
    t = strings(language)
    shown = {"count": format_count(count, language), "goal": format_count(goal, language)}
    value = t["badge_value"].format(**shown) if goal else shown["count"]
    summary_text = t["count_of_goal"] if goal else t["count_only"]
    label = t["badge_label"]
    label_width = len(label) * BADGE_CHAR_WIDTH + 2 * BADGE_PADDING
    value_width = len(value) * BADGE_CHAR_WIDTH + 2 * BADGE_PADDING
    width = label_width + value_width
    return {
        "label": label,
        "value": value,
        "summary": _NOT_XML.sub("", f"{title}: {summary_text.format(**shown)}"),
        "label_width": label_width,
        "value_width": value_width,
        "width": width,
        "bar_width": round(width * min(count, goal) / goal) if goal else 0,
    }
