"""OSDI advocacy campaigns and outreaches: Parsons reads them; the record-outreach helper."""

import pytest

from campaign.models import Outreach
from campaign.models.base import db
from tests.advocacy_support import CASSIDY, KENNEDY, LETTER, advocacy_counts, sender
from tests.osdi_support import client_for, local_id, osdi_server  # noqa: F401 - fixtures
from tests.support import osdi_token

HELPER = f"/osdi/v1/advocacy_campaigns/{LETTER}/outreaches"


def osdi_person(email: str, postal_code: str = "70801") -> dict:
    return {
        "given_name": "Armen",
        "family_name": "Hakobyan",
        "email_addresses": [{"address": email, "primary": True}],
        "postal_addresses": [{"postal_code": postal_code, "country": "US", "primary": True}],
    }


def test_parsons_lists_advocacy_campaigns_and_their_outreaches(client_for):  # noqa: F811
    app, an = client_for
    client = app.test_client()
    for n in range(3):
        url = f"/api/v1/advocacy-campaigns/{LETTER}/outreaches"
        assert (
            client.post(url, json=sender(f"p{n}@example.org", message=f"m{n}")).status_code == 201
        )

    campaigns = an.get_advocacy_campaigns()
    by_id = {local_id(row): row for row in campaigns}
    assert set(by_id) == {"write-your-senators", "call-your-senators"}
    assert by_id[LETTER]["total_outreaches"] == 6
    assert by_id[LETTER]["type"] == "email"
    assert by_id["call-your-senators"]["type"] == "phone"
    one = an.get_advocacy_campaign(LETTER)
    assert one["title"] == "Write to your senators"

    outreaches = an.get_advocacy_campaign_outreaches(LETTER)
    assert outreaches.num_rows == 6
    first = outreaches[0]
    assert first["message"] == "m0"
    assert first["subject"].startswith("Please press the Secretary of State")
    (target,) = first["targets"]
    assert target["given_name"] == "Bill"
    assert target["family_name"] == "Cassidy"
    assert target["title"] == "Senator"
    assert target["ocdid"] == "ocd-division/country:us/state:la"
    assert first["_links"]["osdi:person"]["href"].endswith("/osdi/v1/people/1")
    assert first["_links"]["osdi:advocacy_campaign"]["href"].endswith(
        f"/advocacy_campaigns/{LETTER}"
    )
    page = an.get_advocacy_campaign_outreaches(LETTER, page=1, per_page=4)
    assert (page["total_records"], page["total_pages"]) == (6, 2)


def test_blind_helper_records_and_answers_empty(app, client):
    response = client.post(HELPER, json={"person": osdi_person("blind@example.org")})
    assert response.status_code == 200
    assert response.get_json() == {}
    assert response.mimetype == "application/hal+json"
    counts = advocacy_counts(app, LETTER)
    assert counts[("total", "")] == 2
    assert counts[("participants", "")] == 1
    with app.app_context():
        rows = db.session.query(Outreach.target_id, Outreach.postal_code).all()
    assert sorted(rows) == [(CASSIDY, "70801"), (KENNEDY, "70801")]


def test_helper_with_a_token_answers_the_outreach_and_takes_targets(app, client):
    body = {
        "person": osdi_person("tok@example.org"),
        "targets": [{"family_name": "Kennedy"}],
        "message": "Please act.",
    }
    response = client.post(HELPER, json=body, headers=osdi_token(app))
    assert response.status_code == 200
    outreach = response.get_json()
    assert outreach["targets"][0]["family_name"] == "Kennedy"
    assert outreach["message"] == "Please act."
    assert advocacy_counts(app, LETTER)[("total", "")] == 1
    person = outreach["_links"]["osdi:person"]["href"].rsplit("/", 1)[1]
    listed = client.get(f"/osdi/v1/people/{person}/outreaches", headers=osdi_token(app))
    assert listed.get_json()["total_records"] == 1
    outreach_id = outreach["identifiers"][0].rsplit(":", 1)[1]
    one = client.get(f"/osdi/v1/people/{person}/outreaches/{outreach_id}", headers=osdi_token(app))
    assert one.status_code == 200


def test_helper_refuses_a_target_not_offered(client):
    body = {"person": osdi_person("x@example.org"), "targets": [{"family_name": "Markey"}]}
    response = client.post(HELPER, json=body)
    assert response.status_code == 422
    assert "targets" in response.get_json()["errors"]


def test_helper_names_the_postal_address_of_a_zip_without_members(client):
    response = client.post(HELPER, json={"person": osdi_person("dc@example.org", "20001")})
    assert response.status_code == 422
    status = response.get_json()["osdi:error"]["resource_status"][0]
    assert status["response_code"] == 422
    (description,) = status["error_descriptions"]
    assert description["properties"] == ["person.postal_addresses[0].postal_code"]
    assert "District of Columbia" in description["description"]
    # The address used, and so named, is the one marked primary.
    person = osdi_person("dc@example.org")
    person["postal_addresses"] = [
        {"postal_code": "70801", "country": "US"},
        {"postal_code": "20001", "country": "US", "primary": True},
    ]
    response = client.post(HELPER, json={"person": person})
    (description,) = response.get_json()["osdi:error"]["resource_status"][0]["error_descriptions"]
    assert description["properties"] == ["person.postal_addresses[1].postal_code"]


def test_an_advocacy_campaigns_browser_url_is_its_section_of_the_campaign_page(app, client):
    found = client.get(f"/osdi/v1/advocacy_campaigns/{LETTER}", headers=osdi_token(app))
    url = found.get_json()["browser_url"]
    page, _, anchor = url.removeprefix("http://localhost").partition("#")
    assert page == "/campaigns/nagorno-karabakh-political-prisoners"
    assert f'id="{anchor}"' in client.get(page).get_data(as_text=True)


def test_reads_need_a_token(client):
    assert client.get("/osdi/v1/advocacy_campaigns").status_code == 401
    assert client.get(f"{HELPER}").status_code == 401


@pytest.fixture
def limited(make_app):
    return make_app(OUTREACH_RATE_LIMIT="2/minute")


def test_native_and_osdi_share_one_outreach_allowance(limited):
    client = limited.test_client()
    native = f"/api/v1/advocacy-campaigns/{LETTER}/outreaches"
    assert client.post(native, json=sender("l1@example.org")).status_code == 201
    assert client.post(HELPER, json={"person": osdi_person("l2@example.org")}).status_code == 200
    refused = client.post(native, json=sender("l3@example.org"))
    assert refused.status_code == 429
    assert "Retry-After" in refused.headers
    assert client.post(HELPER, json={"person": osdi_person("l4@example.org")}).status_code == 429
