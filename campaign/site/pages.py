"""The public campaign website: the home page, a campaign's page, a petition's page, and the
PNG card link previews show.

Each page is the campaign JSON the public API serves (the same services and schemas),
rendered as HTML so it reads, indexes and previews without JavaScript. Breakdown charts are
drawn in the browser from the public tallies endpoint, so they show exactly what the API
publishes and nothing more.
"""

from flask import Blueprint, Response, render_template, request
from werkzeug.http import quote_etag

from campaign.models import Campaign
from campaign.services import catalog, milestones
from campaign.services.errors import NotFound
from campaign.site import card, strings, web, widget
from schemas.campaign import CampaignSchema
from schemas.petition import PetitionSchema

bp = Blueprint("site", __name__)

SCRIPT_KEYS = (
    *widget.SCRIPT_STRINGS,
    "signed_thanks",
    "join_thanks",
    "per_day",
    "by_country",
    "as_table",
    "col_day",
    "col_country",
    "col_count",
    "other",
    "no_data",
    "looking_up",
    "no_targets",
    "ambiguous",
    "targets_found",
    "call",
    "contact_form",
    "your_letter",
    "call_script",
    "copy",
    "copied",
    "record_letter",
    "record_call",
    "recorded",
    "send_by_email",
    "data_as_of",
    "find_targets",
)
CARD_MAX_AGE = 300


def _render(template: str, lang: str, path: str, status: int = 200, **context):
    t = strings.strings(lang)
    html = render_template(
        f"site/{template}",
        lang=lang,
        t=t,
        path=path,
        link=web.link,
        asset=web.asset_url,
        canonical=web.public_url(path, lang),
        languages=[(code, widget.STRINGS[code]["name"]) for code in widget.LANGUAGES],
        format_count=lambda n: widget.format_count(n, lang),
        count_text=lambda n, goal: widget.count_text(n, goal, lang),
        format_date=lambda value: strings.format_date(value, lang),
        data=web.script_data(lang, t, SCRIPT_KEYS, **context.pop("script", {})),
        **context,
    )
    return web.page_response(html, status)


def _not_found(lang: str):
    return _render("not_found.html", lang, request.path, 404)


def _campaign_context(model: Campaign) -> dict:
    """The campaign as the API serves it, with what the page adds: demand titles per
    petition, the milestones reached and the advocacy campaigns (when there are any)."""
    campaign = CampaignSchema().dump(model)
    demand_titles = {d["slug"]: d["title"] for d in campaign["demands"]}
    for petition in campaign["petitions"]:
        petition["demand_titles"] = [demand_titles[s] for s in petition["demands"]]
    petitions = {p.id: p.title for p in model.public_petitions}
    reached = [
        {"petition": petitions[m.petition_id], "threshold": m.threshold}
        for m in milestones.for_petitions(list(petitions))
    ]
    return {
        "campaign": campaign,
        "milestones": reached,
        "advocacy": campaign.get("advocacy_campaigns", []),
        "country_options": widget.country_options(web.language()),
        "honeypot": widget.HONEYPOT,
        "fields": widget.FORM_FIELDS,
    }


def _campaign_page(model: Campaign, lang: str, path: str):
    context = _campaign_context(model)
    return _render(
        "campaign.html",
        lang,
        path,
        card_url=web.public_url(f"/campaigns/{model.slug}/card.png", "en"),
        script={"campaign": model.slug},
        **context,
    )


@bp.get("/")
def home():
    lang = web.language()
    campaigns = catalog.public_campaigns()
    active = [c for c in campaigns if c.status == "active"]
    if len(active) == 1:
        return _campaign_page(active[0], lang, "/")
    listed = CampaignSchema(many=True).dump(campaigns)
    return _render("campaigns.html", lang, "/", campaigns=listed)


@bp.get("/campaigns/<slug>")
def campaign_page(slug: str):
    lang = web.language()
    try:
        model = catalog.public_campaign(slug)
    except NotFound:
        return _not_found(lang)
    return _campaign_page(model, lang, f"/campaigns/{slug}")


@bp.get("/petitions/<slug>")
def petition_page(slug: str):
    lang = web.language()
    try:
        model = catalog.public_petition(slug)
        campaign = catalog.public_campaign(model.campaign.slug)
    except NotFound:
        return _not_found(lang)
    petition = PetitionSchema().dump(model)
    context = _campaign_context(campaign)
    titles = {d["slug"]: d["title"] for d in context["campaign"]["demands"]}
    petition["demand_titles"] = [titles[s] for s in petition["demands"]]
    return _render(
        "petition.html",
        lang,
        f"/petitions/{slug}",
        petition=petition,
        card_url=web.public_url(f"/petitions/{slug}/card.png", "en"),
        script={"campaign": campaign.slug},
        **context,
    )


def _card(title: str, count: int, goal: int):
    shown = card.bucket(count)
    etag = card.etag(title, shown, goal)
    headers = {
        "Cache-Control": f"public, max-age={CARD_MAX_AGE}",
        "ETag": quote_etag(etag),
        # Link previews are fetched by other sites' servers.
        "Cross-Origin-Resource-Policy": "cross-origin",
    }
    if request.if_none_match.contains_weak(etag):
        return Response(status=304, headers=headers)
    return Response(card.render(title, shown, goal), mimetype="image/png", headers=headers)


@bp.get("/campaigns/<slug>/card.png")
def campaign_card(slug: str):
    model = catalog.public_campaign(slug)
    return _card(model.title, model.signature_count, model.goal)


@bp.get("/petitions/<slug>/card.png")
def petition_card(slug: str):
    model = catalog.public_petition(slug)
    return _card(model.title, model.signature_count, model.goal)
