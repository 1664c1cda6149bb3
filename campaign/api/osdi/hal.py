"""OSDI resources as HAL documents: identifiers, absolute links, and collection pages.

The services hand over rows; each function here returns plain data that ``schemas.osdi``
serialises: the same dictionaries whatever path reached them, so a signature read from a
petition's list, from a person's list or as a helper's answer looks the same.
"""

from urllib.parse import urlencode

from flask import current_app, request

from campaign.models import AdvocacyCampaign, Person, Petition, Signature

PREFIX = "/osdi/v1"
OSDI_VERSION = "1.1"
PRODUCT_NAME = "Campaign API"
# OSDI's own documentation, one page per link relation, as the spec's curies expect.
CURIES = [
    {
        "name": "osdi",
        "href": "https://opensupporter.github.io/osdi-docs/{rel}.html",
        "templated": True,
    }
]


def system() -> str:
    return current_app.config["OSDI_SYSTEM_NAME"]


def identifiers(local_id) -> list[str]:
    return [f"{system()}:{local_id}"]


def url(path: str = "", **query) -> str:
    """An absolute URL under the OSDI root, as the client reached this server."""
    base = request.url_root.rstrip("/") + PREFIX + path
    query = {k: v for k, v in query.items() if v is not None}
    return f"{base}?{urlencode(query)}" if query else base


def browser_url(path: str) -> str:
    """An absolute URL of a page for people (the website, the docs): on the public address
    when PUBLIC_BASE_URL names it, since an OSDI client may reach the API at an internal one."""
    return (current_app.config.get("PUBLIC_BASE_URL") or request.url_root.rstrip("/")) + path


def link(path: str, title: str | None = None) -> dict:
    return {"href": url(path), "title": title} if title else {"href": url(path)}


def petition_path(petition: Petition) -> str:
    return f"/petitions/{petition.slug}"


def person_path(person_id: int) -> str:
    return f"/people/{person_id}"


def entry_point() -> dict:
    return {
        "motd": "Welcome to the OSDI API of this campaign. Reads need an organizer token "
        "in OSDI-API-Token; the helpers also take anonymous posts.",
        "vendor_name": PRODUCT_NAME,
        "product_name": PRODUCT_NAME,
        "osdi_version": OSDI_VERSION,
        "namespace": system(),
        "max_pagesize": 25,
        "links": {
            "curies": CURIES,
            "self": link("/", "This API entry point"),
            "osdi:petitions": link("/petitions", "The collection of petitions in the system"),
            "osdi:people": link("/people", "The collection of people in the system"),
            "osdi:person_signup_helper": link("/people", "The person signup helper"),
            "osdi:advocacy_campaigns": link(
                "/advocacy_campaigns", "The collection of advocacy campaigns in the system"
            ),
            "docs": {"href": browser_url("/docs"), "title": "Documentation"},
        },
    }


def action_page(item: Petition | AdvocacyCampaign) -> dict:
    """What OSDI says of every action page (a petition, an advocacy campaign) by its slug."""
    return {
        "identifiers": identifiers(item.slug),
        "origin_system": PRODUCT_NAME,
        "created_date": item.created_at,
        "modified_date": item.updated_at,
        "name": item.slug,
        "title": item.title,
    }


def petition(item: Petition, total_signatures: int) -> dict:
    path = petition_path(item)
    return {
        **action_page(item),
        "description": item.campaign.summary,
        "petition_text": item.text,
        # The petition's page on the campaign website, where a person can read and sign it.
        "browser_url": browser_url(f"/petitions/{item.slug}"),
        "total_signatures": total_signatures,
        "target": [{"name": _target_name(t)} for t in item.targets],
        "links": {
            "self": link(path),
            "osdi:signatures": link(f"{path}/signatures"),
            "osdi:record_signature_helper": link(f"{path}/signatures"),
        },
    }


def _target_name(target) -> str:
    return ", ".join(part for part in (target.name, target.title, target.organization) if part)


def _referrer_data(item: Signature) -> dict:
    data = {"source": item.source}
    # The referrer column holds the page the form was on (see the native API); OSDI splits
    # that into the page and its website.
    if item.referrer.startswith(("http://", "https://")):
        data["url"] = item.referrer
        data["website"] = item.referrer.split("/", 3)[2]
    elif item.referrer:
        data["referrer"] = item.referrer
    return data


def _address(holder) -> list[dict]:
    """The postal address ``holder`` (a person or an action) carries, as OSDI lists it."""
    if not (holder.postal_code or holder.country or holder.region):
        return []
    return [
        {
            "postal_code": holder.postal_code,
            "region": holder.region,
            "country": holder.country,
            "primary": True,
        }
    ]


def _signer(item: Signature) -> dict:
    """The signer as they signed: the names and address typed with this signature (a later
    post by anyone cannot change them), with the person's inbox and current consent."""
    subscribed = item.consent and item.person.consent
    return {
        "given_name": item.given_name,
        "family_name": item.family_name,
        "email_addresses": [
            {
                "address": item.person.email,
                "primary": True,
                "status": "subscribed" if subscribed else "unsubscribed",
            }
        ],
        "postal_addresses": _address(item),
    }


def signature(item: Signature, petition_slug: str) -> dict:
    petition_href = f"/petitions/{petition_slug}"
    return {
        "person": _signer(item),
        "identifiers": identifiers(item.id),
        "origin_system": PRODUCT_NAME,
        "created_date": item.created_at,
        # Signatures are not edited; the time they entered the counts is the last change.
        "modified_date": item.counted_at or item.created_at,
        "comments": item.comment,
        "referrer_data": _referrer_data(item),
        "links": {
            "self": link(f"{petition_href}/signatures/{item.id}"),
            "osdi:petition": link(petition_href),
            "osdi:person": link(person_path(item.person_id)),
        },
    }


def person(item: Person) -> dict:
    path = person_path(item.id)
    return {
        "identifiers": identifiers(item.id),
        "origin_system": PRODUCT_NAME,
        "created_date": item.created_at,
        "modified_date": item.updated_at,
        "given_name": item.given_name,
        "family_name": item.family_name,
        "email_addresses": [
            {
                "address": item.email,
                "primary": True,
                "status": "subscribed" if item.consent else "unsubscribed",
            }
        ],
        "postal_addresses": _address(item),
        "links": {
            "self": link(path),
            "osdi:signatures": link(f"{path}/signatures"),
            "osdi:outreaches": link(f"{path}/outreaches"),
        },
    }


def collection(name: str, path: str, page, items: list[dict], query: dict) -> dict:
    """A HAL page of ``items`` under ``_embedded["osdi:<name>"]``, with next/prev links.

    ``query`` holds the list's other parameters (filter, per_page), kept on every link.
    """
    query = {**query, "per_page": page.per_page}
    links = {
        "curies": CURIES,
        "self": {"href": url(path, **query, page=page.page)},
        f"osdi:{name}": [{"href": item["links"]["self"]["href"]} for item in items],
    }
    if page.page < page.total_pages:
        links["next"] = {"href": url(path, **query, page=page.page + 1)}
    if page.page > 1:
        links["prev"] = {"href": url(path, **query, page=page.page - 1)}
    return {
        "page": page.page,
        "per_page": page.per_page,
        "total_pages": page.total_pages,
        "total_records": page.total_records,
        "links": links,
        "embedded": {f"osdi:{name}": items},
    }
