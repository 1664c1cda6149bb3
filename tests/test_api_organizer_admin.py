"""Organizer edits: campaigns, petitions and prisoners, with the `manage` scope."""

import pytest

from tests.support import ALL_DEMANDS, CAMPAIGN, PETITION, bearer, sign

CAMPAIGN_URL = f"/api/v1/campaigns/{CAMPAIGN}"
PETITION_URL = f"/api/v1/petitions/{PETITION}"
PRISONER_URL = f"{CAMPAIGN_URL}/prisoners/ruben-vardanyan"


@pytest.fixture
def manager(app):
    return bearer(app, "manage")


def test_edits_need_the_manage_scope(app, client):
    for url, body in [
        (CAMPAIGN_URL, {"goal": 1}),
        (PETITION_URL, {"goal": 1}),
        (PRISONER_URL, {"status": "released"}),
    ]:
        assert client.patch(url, json=body).status_code == 401
        assert client.patch(url, json=body, headers=bearer(app, "read,export")).status_code == 403
    assert client.get(CAMPAIGN_URL).get_json()["prisoners"][0]["status"] == "detained"


def test_edit_petition(app, client, manager):
    sign(app, "ani@example.org")
    changes = {"goal": 50000, "title": "Release them now", "text": "Նոր տեքստ"}
    response = client.patch(PETITION_URL, json=changes, headers=manager)
    assert response.status_code == 200
    body = response.get_json()
    assert {k: body[k] for k in changes} == changes
    assert body["signature_count"] == 1 and body["status"] == "active"
    public = client.get(PETITION_URL).get_json()
    assert {k: public[k] for k in changes} == changes

    closed = client.patch(PETITION_URL, json={"status": "closed"}, headers=manager).get_json()
    assert closed["status"] == "closed" and closed["goal"] == 50000  # the rest is kept
    assert client.get(PETITION_URL).get_json()["status"] == "closed"


def test_draft_petition_leaves_the_public_campaign(client, manager):
    assert client.patch(PETITION_URL, json={"status": "draft"}, headers=manager).status_code == 200
    public = client.get(CAMPAIGN_URL).get_json()
    assert PETITION not in [p["slug"] for p in public["petitions"]]
    assert client.get(PETITION_URL).status_code == 404


def test_edit_campaign(app, client, manager):
    sign(app, "ani@example.org", petition=ALL_DEMANDS)
    changes = {"goal": 100000, "summary": "Updated summary", "title": "Free the prisoners"}
    response = client.patch(CAMPAIGN_URL, json=changes, headers=manager)
    assert response.status_code == 200
    body = response.get_json()
    assert {k: body[k] for k in changes} == changes
    assert body["signature_count"] == 1
    counts = {p["slug"]: p["signature_count"] for p in body["petitions"]}
    assert counts[ALL_DEMANDS] == 1 and counts[PETITION] == 0
    assert {k: client.get(CAMPAIGN_URL).get_json()[k] for k in changes} == changes

    # A draft campaign disappears for the public but organizers still reach it.
    draft = client.patch(CAMPAIGN_URL, json={"status": "draft"}, headers=manager).get_json()
    assert draft["status"] == "draft"
    assert client.get(CAMPAIGN_URL).status_code == 404
    reopened = client.patch(CAMPAIGN_URL, json={"status": "active"}, headers=manager)
    assert reopened.status_code == 200 and client.get(CAMPAIGN_URL).status_code == 200


@pytest.mark.parametrize(
    "body, field",
    [
        ({"status": "archived"}, "status"),
        ({"goal": -1}, "goal"),
        ({"goal": "many"}, "goal"),
        ({"goal": "10"}, "goal"),
        ({"goal": 10.5}, "goal"),
        ({"title": ""}, "title"),
        ({"title": "x" * 301}, "title"),
        ({"signature_count": 5}, "signature_count"),
        ({}, "_schema"),
    ],
)
def test_invalid_edits_are_422_naming_the_field(client, manager, body, field):
    for url in (CAMPAIGN_URL, PETITION_URL):
        response = client.patch(url, json=body, headers=manager)
        assert response.status_code == 422, (url, body)
        assert response.content_type == "application/problem+json"
        assert field in response.get_json()["errors"]
    assert client.get(PETITION_URL).get_json()["goal"] == 10000


def test_campaign_and_petition_fields_do_not_mix(client, manager):
    assert client.patch(CAMPAIGN_URL, json={"text": "x"}, headers=manager).status_code == 422
    assert client.patch(PETITION_URL, json={"summary": "x"}, headers=manager).status_code == 422


def test_unknown_targets_are_404(client, manager):
    assert (
        client.patch("/api/v1/campaigns/nope", json={"goal": 1}, headers=manager).status_code == 404
    )
    assert (
        client.patch("/api/v1/petitions/nope", json={"goal": 1}, headers=manager).status_code == 404
    )
    missing = client.patch(
        f"{CAMPAIGN_URL}/prisoners/nobody", json={"status": "released"}, headers=manager
    )
    assert missing.status_code == 404
    assert "nobody" in missing.get_json()["detail"]


def test_releasing_a_prisoner_shows_on_the_public_campaign(client, manager):
    response = client.patch(PRISONER_URL, json={"status": "released"}, headers=manager)
    assert response.status_code == 200
    body = response.get_json()
    assert body["slug"] == "ruben-vardanyan" and body["status"] == "released"
    prisoners = {p["slug"]: p["status"] for p in client.get(CAMPAIGN_URL).get_json()["prisoners"]}
    assert prisoners["ruben-vardanyan"] == "released"
    assert [s for s in prisoners.values() if s == "detained"] == ["detained"] * 5

    back = client.patch(PRISONER_URL, json={"status": "detained"}, headers=manager)
    assert back.get_json()["status"] == "detained"
    bad = client.patch(PRISONER_URL, json={"status": "free"}, headers=manager)
    assert bad.status_code == 422 and "status" in bad.get_json()["errors"]
    assert client.patch(PRISONER_URL, json={}, headers=manager).status_code == 422


def test_edits_need_a_json_body(client, manager):
    response = client.patch(
        PETITION_URL,
        data="goal=5",
        content_type="application/x-www-form-urlencoded",
        headers=manager,
    )
    assert response.status_code == 415
