"""Public reads of campaigns and petitions: HTTP caching, each worker's copy, organizer drafts."""

import time

import pytest

from campaign.api.public_cache import PublicCache
from tests.support import CAMPAIGN, PETITION, bearer, sign

CAMPAIGN_PATH = f"/api/v1/campaigns/{CAMPAIGN}"
PETITION_PATH = f"/api/v1/petitions/{PETITION}"
LIST_PATH = "/api/v1/campaigns"


@pytest.mark.parametrize("path", [CAMPAIGN_PATH, PETITION_PATH, LIST_PATH])
def test_public_reads_carry_an_etag_and_answer_304(make_app, path):
    client = make_app(TALLY_MAX_AGE=7).test_client()
    first = client.get(path)
    assert first.status_code == 200
    assert first.headers["Cache-Control"] == "public, max-age=7, stale-while-revalidate=42"
    assert first.headers["Vary"] == "Origin, Authorization"
    etag = first.headers["ETag"]
    for sent in (etag, f"W/{etag}"):
        again = client.get(path, headers={"If-None-Match": sent})
        assert again.status_code == 304
        assert again.data == b""
        assert again.headers["ETag"] == etag
        assert again.headers["Cache-Control"] == first.headers["Cache-Control"]
    assert client.get(path, headers={"If-None-Match": '"other"'}).status_code == 200


def test_etag_changes_with_the_count(app, client):
    before = client.get(PETITION_PATH)
    sign(app, "new@example.org")
    after = client.get(PETITION_PATH, headers={"If-None-Match": before.headers["ETag"]})
    assert after.status_code == 200
    assert after.get_json()["signature_count"] == before.get_json()["signature_count"] + 1
    assert after.headers["ETag"] != before.headers["ETag"]


def _later(app, seconds: float) -> None:
    """Move this worker's copy clock on, as the given seconds passing would."""
    cache = app.wsgi_app
    assert isinstance(cache, PublicCache)
    cache.clock = lambda: time.monotonic() + seconds


def test_organizer_edits_show_on_every_worker_within_max_age(make_app):
    writer = make_app(TALLY_MAX_AGE=5, TALLY_CACHE_SECONDS=5)
    reader = make_app(TALLY_MAX_AGE=5, TALLY_CACHE_SECONDS=5)
    auth = bearer(writer, "manage")
    editor, client = writer.test_client(), reader.test_client()
    old_campaign = client.get(CAMPAIGN_PATH).get_json()
    old_petition = client.get(PETITION_PATH).get_json()
    prisoner = old_campaign["prisoners"][0]["slug"]

    assert editor.patch(CAMPAIGN_PATH, json={"title": "Renamed"}, headers=auth).status_code == 200
    released = editor.patch(
        f"{CAMPAIGN_PATH}/prisoners/{prisoner}", json={"status": "released"}, headers=auth
    )
    assert released.status_code == 200
    closed = editor.patch(PETITION_PATH, json={"status": "closed"}, headers=auth)
    assert closed.status_code == 200
    sign(writer, "counted@example.org", petition="right-of-return")

    # The reading worker still answers from its copy, for no longer than TALLY_MAX_AGE.
    assert client.get(CAMPAIGN_PATH).get_json() == old_campaign
    assert client.get(PETITION_PATH).get_json() == old_petition
    _later(reader, 5.01)
    campaign = client.get(CAMPAIGN_PATH).get_json()
    assert campaign["title"] == "Renamed"
    assert campaign["prisoners"][0]["status"] == "released"
    petitions = {p["slug"]: p for p in campaign["petitions"]}
    assert petitions[PETITION]["status"] == "closed"
    assert petitions["right-of-return"]["signature_count"] == 1
    assert client.get(PETITION_PATH).get_json()["status"] == "closed"


def _make_drafts(app) -> dict:
    auth = bearer(app, "manage")
    client = app.test_client()
    assert client.patch(PETITION_PATH, json={"status": "draft"}, headers=auth).status_code == 200
    return auth


def test_organizers_see_draft_petitions_marked_by_status(make_app):
    app = make_app()
    _make_drafts(app)
    client = app.test_client()
    # Read by an anonymous caller first, so that the public copy is filled if it would be.
    assert client.get(PETITION_PATH).status_code == 404
    anonymous = client.get(CAMPAIGN_PATH).get_json()
    assert PETITION not in [p["slug"] for p in anonymous["petitions"]]

    reader = bearer(app, "read")
    petition = client.get(PETITION_PATH, headers=reader)
    assert petition.status_code == 200
    assert petition.get_json()["status"] == "draft"
    assert petition.headers["Cache-Control"] == "private, no-store"
    assert "Authorization" in petition.headers["Vary"]
    campaign = client.get(CAMPAIGN_PATH, headers=reader).get_json()
    statuses = {p["slug"]: p["status"] for p in campaign["petitions"]}
    assert statuses[PETITION] == "draft"
    assert statuses["right-of-return"] == "active"

    # The organizer's reads are never handed to anyone else.
    assert client.get(PETITION_PATH).status_code == 404
    again = client.get(CAMPAIGN_PATH).get_json()
    assert PETITION not in [p["slug"] for p in again["petitions"]]


def test_organizers_see_draft_campaigns_in_the_list_and_by_slug(make_app):
    app = make_app()
    auth = bearer(app, "export")
    client = app.test_client()
    manage = bearer(app, "manage")
    assert client.patch(CAMPAIGN_PATH, json={"status": "draft"}, headers=manage).status_code == 200

    assert client.get(LIST_PATH).get_json()["data"] == []
    assert client.get(CAMPAIGN_PATH).status_code == 404
    assert client.get(PETITION_PATH).status_code == 404

    listed = client.get(LIST_PATH, headers=auth)
    assert listed.headers["Cache-Control"] == "private, no-store"
    assert [(c["slug"], c["status"]) for c in listed.get_json()["data"]] == [(CAMPAIGN, "draft")]
    assert client.get(CAMPAIGN_PATH, headers=auth).get_json()["status"] == "draft"
    # A petition of a draft campaign is a draft to the public, visible to organizers.
    assert client.get(PETITION_PATH, headers=auth).status_code == 200
    assert client.get(LIST_PATH).get_json()["data"] == []


def test_organizer_reads_answer_304_privately(app, client):
    auth = bearer(app, "read")
    first = client.get(CAMPAIGN_PATH, headers=auth)
    again = client.get(CAMPAIGN_PATH, headers={**auth, "If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    assert again.headers["Cache-Control"] == "private, no-store"


def test_a_token_that_is_not_live_is_refused(client):
    response = client.get(PETITION_PATH, headers={"Authorization": "Bearer nope"})
    assert response.status_code == 401
    assert response.content_type == "application/problem+json"
    assert response.headers["WWW-Authenticate"] == 'Bearer realm="organizer"'


def test_the_openapi_document_describes_caching_and_organizer_reads(client):
    spec = client.get("/openapi.json").get_json()
    for path in ("/api/v1/campaigns", "/api/v1/campaigns/{slug}", "/api/v1/petitions/{slug}"):
        operation = spec["paths"][path]["get"]
        assert {"200", "304", "401"} <= set(operation["responses"]), path
        assert {"ETag", "Cache-Control", "Vary"} <= set(operation["responses"]["200"]["headers"])
        assert {"bearerAuth": []} in operation["security"]
        assert {} in operation["security"]
