"""OSDI advocacy campaigns and outreaches as HAL documents.

An OSDI outreach here is one stored outreach: one person's letter or call to one target,
so its ``targets`` holds that one target.
"""

from campaign.api.osdi.hal import (
    PRODUCT_NAME,
    action_page,
    browser_url,
    identifiers,
    link,
    person_path,
)
from campaign.models import AdvocacyCampaign, Outreach

OSDI_TYPES = {"letter": "email", "call": "phone"}


def campaign_path(item: AdvocacyCampaign) -> str:
    return f"/advocacy_campaigns/{item.slug}"


def ocdid(state: str, chamber: str, district: int | None) -> str:
    if not state:
        return ""
    base = f"ocd-division/country:us/state:{state.lower()}"
    return f"{base}/cd:{district}" if chamber == "house" and district else base


def _fixed(target) -> dict:
    return {
        "name": target.name,
        "title": target.title,
        "organization": target.organization,
        "identifiers": [target.slug],
    }


def campaign_doc(item: AdvocacyCampaign, total: int) -> dict:
    path = campaign_path(item)
    return {
        **action_page(item),
        "description": item.description,
        "template": item.script if item.type == "call" else item.template,
        # The website shows it, with its form, on its campaign's page.
        "browser_url": browser_url(f"/campaigns/{item.campaign.slug}#advocacy-{item.slug}-heading"),
        "type": OSDI_TYPES[item.type],
        "total_outreaches": total,
        "targets": [_fixed(t) for t in item.targets],
        "links": {
            "self": link(path),
            "osdi:outreaches": link(f"{path}/outreaches"),
            "osdi:record_outreach_helper": link(f"{path}/outreaches"),
        },
    }


def outreach_doc(item: Outreach, campaign: AdvocacyCampaign) -> dict:
    given, _, family = item.target_name.partition(" ")
    referrer = {"source": item.source}
    if item.referrer:
        referrer["url"] = item.referrer
    return {
        "identifiers": identifiers(item.id),
        "origin_system": PRODUCT_NAME,
        "created_date": item.created_at,
        "modified_date": item.created_at,
        "type": OSDI_TYPES[campaign.type],
        "subject": item.subject,
        "message": item.message,
        "duration": item.duration,
        "targets": [
            {
                "given_name": given if item.chamber else "",
                "family_name": family if item.chamber else "",
                "name": item.target_name,
                "title": item.target_title,
                "organization": {"senate": "U.S. Senate", "house": "U.S. House"}.get(
                    item.chamber, ""
                ),
                "ocdid": ocdid(item.state, item.chamber, item.district),
                "identifiers": [item.target_id],
            }
        ],
        "action_date": item.created_at,
        "referrer_data": referrer,
        "links": {
            "self": link(f"{campaign_path(campaign)}/outreaches/{item.id}"),
            "osdi:advocacy_campaign": link(campaign_path(campaign)),
            "osdi:person": link(person_path(item.person_id)),
        },
    }
