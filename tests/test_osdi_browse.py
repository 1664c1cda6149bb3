"""OSDI reads as a client makes them: start at the entry point and follow links only."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import update

from campaign.models import Person, Petition, Signature
from campaign.models.base import db
from tests.osdi_support import sign_numbered
from tests.support import osdi_token

ENTRY = "/osdi/v1/"
PETITION = "release-the-prisoners"


def path(href: str) -> str:
    """The test client takes paths; links are absolute, as HAL wants."""
    assert href.startswith("http://localhost/osdi/v1"), href
    return href.removeprefix("http://localhost")


def follow(client, headers, href: str, expected: int = 200) -> dict:
    response = client.get(path(href), headers=headers)
    assert response.status_code == expected, response.get_json()
    return response.get_json()


def test_entry_point_links_to_collections_with_curies(client):
    response = client.get(ENTRY)
    assert response.status_code == 200
    assert response.mimetype == "application/hal+json"
    body = response.get_json()
    assert body["osdi_version"] == "1.1"
    assert body["motd"] and body["vendor_name"] and body["product_name"]
    links = body["_links"]
    assert links["curies"][0]["name"] == "osdi" and links["curies"][0]["templated"] is True
    assert "{rel}" in links["curies"][0]["href"]
    for rel in ("self", "osdi:petitions", "osdi:people", "osdi:person_signup_helper"):
        assert links[rel]["href"].startswith("http://localhost/osdi/v1"), rel


def test_walk_from_entry_point_to_signatures_and_people(app, client):
    sign_numbered(app, PETITION, 3)
    headers = osdi_token(app)
    entry = follow(client, headers, "http://localhost/osdi/v1/")
    petitions = follow(client, headers, entry["_links"]["osdi:petitions"]["href"])
    assert petitions["total_records"] == 4
    listed = petitions["_embedded"]["osdi:petitions"]
    release = next(p for p in listed if p["identifiers"] == [f"campaign-api:{PETITION}"])
    assert release["total_signatures"] == 3
    assert release["title"] == "Make the prisoners' release a condition of any peace deal"
    assert release["petition_text"].startswith("We therefore urge you")
    assert release["target"] == [
        {"name": "Antony Blinken, Secretary of State, U.S. Department of State"}
    ]
    assert release["created_date"].endswith("Z") and release["modified_date"].endswith("Z")
    assert release["browser_url"] == f"http://localhost/petitions/{PETITION}"
    assert client.get(release["browser_url"]).status_code == 200
    assert release["origin_system"]
    assert "osdi:record_signature_helper" in release["_links"]

    petition = follow(client, headers, release["_links"]["self"]["href"])
    assert petition["total_signatures"] == 3
    signatures = follow(client, headers, petition["_links"]["osdi:signatures"]["href"])
    assert signatures["total_records"] == 3
    first = signatures["_embedded"]["osdi:signatures"][0]
    assert first["comments"] == "comment 0"
    assert first["referrer_data"]["source"] == "osdi-test"
    assert follow(client, headers, first["_links"]["self"]["href"]) == first
    assert follow(client, headers, first["_links"]["osdi:petition"]["href"])["identifiers"] == [
        f"campaign-api:{PETITION}"
    ]

    person = follow(client, headers, first["_links"]["osdi:person"]["href"])
    assert person["given_name"] == "Signer0"
    assert person["email_addresses"] == [
        {"address": "signer0@example.org", "primary": True, "status": "unsubscribed"}
    ]
    assert person["postal_addresses"][0]["country"] == "AM"
    theirs = follow(client, headers, person["_links"]["osdi:signatures"]["href"])
    assert [s["_links"]["self"]["href"] for s in theirs["_embedded"]["osdi:signatures"]] == [
        first["_links"]["self"]["href"]
    ]

    people = follow(client, headers, entry["_links"]["osdi:people"]["href"])
    assert people["total_records"] == 3
    assert people["_embedded"]["osdi:people"][0] == person


def test_paging_through_more_than_25_signatures_by_next_links(app, client):
    sign_numbered(app, PETITION, 30)
    headers = osdi_token(app)
    href = f"http://localhost/osdi/v1/petitions/{PETITION}/signatures"
    seen, pages = [], []
    while href and len(pages) < 5:
        page = follow(client, headers, href)
        pages.append(page)
        seen += [s["comments"] for s in page["_embedded"]["osdi:signatures"]]
        href = page["_links"].get("next", {}).get("href")
    assert [p["page"] for p in pages] == [1, 2]
    assert [len(p["_embedded"]["osdi:signatures"]) for p in pages] == [25, 5]
    assert {(p["per_page"], p["total_pages"], p["total_records"]) for p in pages} == {(25, 2, 30)}
    assert seen == [f"comment {n}" for n in range(30)]
    assert "prev" not in pages[0]["_links"]
    assert path(pages[1]["_links"]["prev"]["href"]).endswith("page=1")
    # Past the end: an empty page, which is how Action Network clients know to stop.
    beyond = follow(client, headers, href or pages[1]["_links"]["self"]["href"] + "0")
    assert beyond["_embedded"]["osdi:signatures"] == []


def test_per_page_is_capped_at_25_and_kept_on_links(app, client):
    sign_numbered(app, PETITION, 12)
    headers = osdi_token(app)
    body = client.get("/osdi/v1/people?per_page=100", headers=headers).get_json()
    assert body["per_page"] == 25 and len(body["_embedded"]["osdi:people"]) == 12
    body = client.get("/osdi/v1/people?per_page=5&page=2", headers=headers).get_json()
    assert (body["page"], body["total_pages"], body["total_records"]) == (2, 3, 12)
    assert "per_page=5" in body["_links"]["next"]["href"]
    assert "page=3" in body["_links"]["next"]["href"]
    assert [p["given_name"] for p in body["_embedded"]["osdi:people"]] == [
        f"Signer{n}" for n in range(5, 10)
    ]


def _age(app, model, ids, when):
    with app.app_context():
        column = model.updated_at if model is Person else model.counted_at
        db.session.execute(
            update(model)
            .where(model.id.in_(ids))
            .values({column.key: when, model.created_at.key: when})
        )
        db.session.commit()


def test_filters_on_modified_and_created_date(app, client):
    sign_numbered(app, PETITION, 4)
    _age(app, Person, [1, 2], datetime(2024, 3, 1, 12, tzinfo=UTC))
    _age(app, Signature, [1, 2], datetime(2024, 3, 1, 12, tzinfo=UTC))
    headers = osdi_token(app)

    def names(url):
        response = client.get(url, headers=headers)
        assert response.status_code == 200, response.get_json()
        return [p["given_name"] for p in response.get_json()["_embedded"]["osdi:people"]]

    assert names("/osdi/v1/people?filter=modified_date gt '2024-04-01'") == ["Signer2", "Signer3"]
    assert names("/osdi/v1/people?filter=modified_date lt '2024-04-01'") == ["Signer0", "Signer1"]
    assert names("/osdi/v1/people?filter=created_date eq '2024-03-01'") == ["Signer0", "Signer1"]
    assert names("/osdi/v1/people?filter=created_date eq '2024-03-02'") == []
    assert names("/osdi/v1/people?filter=created_date eq '2024-03-01T12:00:00Z'") == [
        "Signer0",
        "Signer1",
    ]
    assert names(
        "/osdi/v1/people?filter=modified_date gt '2024-02-01T00:00:00Z' "
        "and modified_date lt '2024-03-02'"
    ) == ["Signer0", "Signer1"]

    url = f"/osdi/v1/petitions/{PETITION}/signatures?filter=modified_date gt '2024-04-01'"
    body = client.get(url, headers=headers).get_json()
    assert body["total_records"] == 2
    assert [s["comments"] for s in body["_embedded"]["osdi:signatures"]] == [
        "comment 2",
        "comment 3",
    ]
    assert "filter=modified_date" in body["_links"]["self"]["href"]
    recent = (datetime.now(UTC) - timedelta(days=1)).date().isoformat()
    body = client.get(
        f"/osdi/v1/petitions?filter=modified_date gt '{recent}'", headers=headers
    ).get_json()
    assert body["total_records"] == 4


@pytest.mark.parametrize(
    "bad",
    [
        "modified_date gt 2024-04-01",
        "email eq 'a@example.org'",
        "modified_date ge '2024-04-01'",
        "modified_date gt 'yesterday'",
        "modified_date gt '2024-04-01' or created_date lt '2024-01-01'",
        "modified_date gt '2024-04-01' and",
    ],
)
def test_a_filter_that_is_not_understood_is_a_400(app, client, bad):
    response = client.get(f"/osdi/v1/people?filter={bad}", headers=osdi_token(app))
    assert response.status_code == 400
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert body["status"] == 400 and "filter" in body["errors"]
    assert body["osdi:error"]["response_code"] == 400
    (status,) = body["osdi:error"]["resource_status"]
    assert status["error_descriptions"][0]["properties"] == ["filter"]


def test_unknown_ids_are_404_problems(app, client):
    headers = osdi_token(app)
    for url in (
        "/osdi/v1/petitions/nope",
        "/osdi/v1/petitions/nope/signatures",
        f"/osdi/v1/petitions/{PETITION}/signatures/999",
        "/osdi/v1/people/999",
        "/osdi/v1/people/999/signatures",
        "/osdi/v1/people/not-a-number",
    ):
        response = client.get(url, headers=headers)
        assert response.status_code == 404, url
        assert response.mimetype == "application/problem+json", url


def test_reads_need_a_token_with_the_read_scope(app, client):
    for url in ("/osdi/v1/petitions", "/osdi/v1/people", "/osdi/v1/people/1"):
        assert client.get(url).status_code == 401
        bad = client.get(url, headers={"OSDI-API-Token": "cat_not-a-token"})
        assert bad.status_code == 401
    export_only = osdi_token(app, "export")
    assert client.get("/osdi/v1/people", headers=export_only).status_code == 403
    bearer = {"Authorization": "Bearer " + osdi_token(app)["OSDI-API-Token"]}
    assert client.get("/osdi/v1/people", headers=bearer).status_code == 200


def test_drafts_are_listed_for_organizers(app, client):
    with app.app_context():
        db.session.execute(update(Petition).where(Petition.slug == PETITION).values(status="draft"))
        db.session.commit()
    body = client.get("/osdi/v1/petitions", headers=osdi_token(app)).get_json()
    assert body["total_records"] == 4


def test_the_openapi_document_describes_the_osdi_routes(client):
    spec = client.get("/openapi.json").get_json()
    assert "/osdi/v1/petitions/{slug}/signatures" in spec["paths"]
    post = spec["paths"]["/osdi/v1/people"]["post"]
    assert "application/hal+json" in post["responses"]["200"]["content"]
    assert spec["components"]["securitySchemes"]["osdiApiToken"]["name"] == "OSDI-API-Token"


def test_browser_urls_are_on_the_public_address(make_app):
    app = make_app(PUBLIC_BASE_URL="https://sign.example.org")
    petition = app.test_client().get(f"{ENTRY}petitions/{PETITION}", headers=osdi_token(app))
    assert petition.get_json()["browser_url"] == f"https://sign.example.org/petitions/{PETITION}"
