"""Target lookup: a constituent's senators or representative from their ZIP code."""

import pytest

from tests.advocacy_support import CASSIDY, KENNEDY, LETTER
from tests.support import bearer


def lookup(client, postal_code, country=None, slug=LETTER):
    query = {"postal_code": postal_code}
    if country is not None:
        query["country"] = country
    return client.get(f"/api/v1/advocacy-campaigns/{slug}/targets", query_string=query)


def test_single_state_zip_gives_both_louisiana_senators(client):
    response = lookup(client, "70801")
    assert response.status_code == 200
    body = response.get_json()
    assert body["postal_code"] == "70801"
    assert body["states"] == ["LA"]
    assert body["ambiguous"] is False
    assert body["data_as_of"] == "2026-06-15"
    assert [t["id"] for t in body["targets"]] == [CASSIDY, KENNEDY]
    cassidy = body["targets"][0]
    assert cassidy["name"] == "Bill Cassidy"
    assert cassidy["title"] == "Senator"
    assert cassidy["chamber"] == "senate"
    assert cassidy["state"] == "LA"
    assert cassidy["party"] == "Republican"
    assert cassidy["phone"] == "202-224-5824"
    assert cassidy["contact_form"] == "https://www.cassidy.senate.gov/contact"


def test_zip_plus_four_is_the_five_digit_zip(client):
    body = lookup(client, "70801-1234").get_json()
    assert body["postal_code"] == "70801"
    assert [t["id"] for t in body["targets"]] == [CASSIDY, KENNEDY]
    assert lookup(client, "708011234").get_json()["targets"] == body["targets"]


def test_two_state_zip_lists_both_states_senators_as_ambiguous(client):
    body = lookup(client, "02861").get_json()
    assert body["states"] == ["MA", "RI"]
    assert body["ambiguous"] is True
    assert [t["state"] for t in body["targets"]] == ["MA", "MA", "RI", "RI"]
    assert {t["chamber"] for t in body["targets"]} == {"senate"}


def test_split_district_zip_for_a_house_campaign(app, client):
    headers = bearer(app)
    created = client.post(
        "/api/v1/campaigns/nagorno-karabakh-political-prisoners/advocacy-campaigns",
        json={
            "slug": "write-your-representative",
            "title": "Write to your representative",
            "type": "letter",
            "targeting": "representative",
            "status": "active",
            "subject": "Political prisoners",
            "template": "Please act.",
        },
        headers=headers,
    )
    assert created.status_code == 201
    body = lookup(client, "02108", slug="write-your-representative").get_json()
    assert body["districts"] == ["MA-7", "MA-8"]
    assert body["ambiguous"] is True
    assert [(t["chamber"], t["state"], t["district"]) for t in body["targets"]] == [
        ("house", "MA", 7),
        ("house", "MA", 8),
    ]
    # The same ZIP is one state, so a senators campaign is not ambiguous there.
    senators = lookup(client, "02108").get_json()
    assert senators["ambiguous"] is False
    assert len(senators["targets"]) == 2


def test_dc_has_no_targets_and_a_reason(client):
    body = lookup(client, "20001").get_json()
    assert body["states"] == ["DC"]
    assert body["targets"] == []
    assert "District of Columbia" in body["reason"]


def test_abroad_has_no_targets_and_a_reason(client):
    response = lookup(client, "0010", country="AM")
    assert response.status_code == 200
    body = response.get_json()
    assert body["country"] == "AM"
    assert body["targets"] == []
    assert "U.S. address" in body["reason"]


@pytest.mark.parametrize("code", ["7080", "ABCDE", "70801-12", ""])
def test_malformed_zip_is_a_422_naming_postal_code(client, code):
    response = lookup(client, code)
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    assert "postal_code" in response.get_json()["errors"]


def test_unknown_zip_is_a_422_naming_postal_code(client):
    response = lookup(client, "00000")
    assert response.status_code == 422
    assert "00000" in response.get_json()["errors"]["postal_code"][0]


def test_unknown_advocacy_campaign_is_404(client):
    assert lookup(client, "70801", slug="nope").status_code == 404


def test_campaign_json_lists_the_seeded_advocacy_campaigns(client):
    body = client.get("/api/v1/campaigns/nagorno-karabakh-political-prisoners").get_json()
    listed = {a["slug"]: a for a in body["advocacy_campaigns"]}
    assert set(listed) == {"write-your-senators", "call-your-senators"}
    assert listed["write-your-senators"]["type"] == "letter"
    assert listed["call-your-senators"]["targeting"] == "senators"
    assert listed["call-your-senators"]["total_outreaches"] == 0
