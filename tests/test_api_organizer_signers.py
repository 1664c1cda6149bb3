"""Organizer lists: a petition's signers and a campaign's sign-ups, behind a Bearer token."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import update

from campaign.models import Signature
from campaign.models.base import db
from tests.support import CAMPAIGN, PETITION, bearer, join, sign, signature_ids

SIGNERS = f"/api/v1/petitions/{PETITION}/signatures"
SIGNUPS = f"/api/v1/campaigns/{CAMPAIGN}/signups"


@pytest.fixture
def reader(app):
    return bearer(app, "read")


def test_no_token_is_401_with_a_challenge(client):
    response = client.get(SIGNERS)
    assert response.status_code == 401
    assert response.content_type == "application/problem+json"
    assert response.headers["WWW-Authenticate"] == 'Bearer realm="organizer"'
    assert response.get_json()["type"].endswith("unauthorized")


@pytest.mark.parametrize(
    "headers",
    [
        {"Authorization": "Bearer cat_not-a-real-token"},
        {"Authorization": "Bearer "},
        {"Authorization": "Basic dXNlcjpwYXNz"},
        {"OSDI-API-Token": "nope"},
    ],
)
def test_invalid_tokens_are_401(client, headers):
    assert client.get(SIGNERS, headers=headers).status_code == 401


def test_wrong_scope_is_403(app, client):
    exporter = bearer(app, "export")
    response = client.get(SIGNERS, headers=exporter)
    assert response.status_code == 403
    assert response.get_json()["type"].endswith("insufficient-scope")
    manager = bearer(app, "manage")
    assert (
        client.get(f"/api/v1/petitions/{PETITION}/signatures.csv", headers=manager).status_code
        == 403
    )


def test_unauthenticated_bad_query_is_still_401(client):
    # Credentials are checked before anything else is looked at.
    assert client.get(SIGNERS + "?limit=9999").status_code == 401


def test_osdi_token_header_is_accepted(app, client, reader):
    secret = reader["Authorization"].split()[1]
    assert client.get(SIGNERS, headers={"OSDI-API-Token": secret}).status_code == 200


def test_signers_carry_their_details(app, client, reader):
    sign(
        app,
        "Anahit@Example.org",
        comment="Free them",
        source="newsletter",
        referrer="https://a.test/",
        given_name="Անահիտ",
        region="Yerevan",
    )
    body = client.get(SIGNERS, headers=reader).get_json()
    assert body["has_more"] is False and body["next_cursor"] is None
    [row] = body["data"]
    assert row["given_name"] == "Անահիտ"
    assert row["email"] == "Anahit@Example.org"
    for field, value in {
        "family_name": "Petrosyan",
        "postal_code": "0010",
        "country": "AM",
        "region": "Yerevan",
        "comment": "Free them",
        "source": "newsletter",
        "referrer": "https://a.test/",
        "status": "counted",
    }.items():
        assert row[field] == value, field
    assert datetime.fromisoformat(row["created_at"]).tzinfo is not None
    assert isinstance(row["id"], int)


def test_pages_follow_the_cursor_in_signing_order(app, client, reader):
    for i in range(7):
        sign(app, f"p{i}@example.org")
    ids = signature_ids(app)
    seen, cursor, pages = [], None, 0
    while True:
        query = {"limit": 3} | ({"starting_after": cursor} if cursor else {})
        body = client.get(SIGNERS, query_string=query, headers=reader).get_json()
        pages += 1
        seen += [row["id"] for row in body["data"]]
        if not body["has_more"]:
            assert body["next_cursor"] is None
            break
        cursor = body["next_cursor"]
        assert isinstance(cursor, str) and not cursor.isdigit()  # opaque
    assert seen == ids and pages == 3

    # A plain row id works as a cursor too.
    body = client.get(SIGNERS, query_string={"starting_after": ids[4]}, headers=reader).get_json()
    assert [row["id"] for row in body["data"]] == ids[5:]
    assert client.get(SIGNERS, headers=reader).get_json()["has_more"] is False


def test_since_filters_by_creation_time(app, client, reader):
    for i in range(3):
        sign(app, f"s{i}@example.org")
    ids = signature_ids(app)
    old = datetime(2024, 4, 4, 12, tzinfo=UTC)
    with app.app_context():
        db.session.execute(update(Signature).where(Signature.id == ids[0]).values(created_at=old))
        db.session.commit()
    since = (old + timedelta(hours=1)).isoformat()
    body = client.get(SIGNERS, query_string={"since": since}, headers=reader).get_json()
    assert [row["id"] for row in body["data"]] == ids[1:]
    # A time without a zone is read as UTC.
    body = client.get(SIGNERS, query_string={"since": "2024-04-04T11:00:00"}, headers=reader)
    assert len(body.get_json()["data"]) == 3


@pytest.mark.parametrize(
    "query, field",
    [
        ({"limit": 0}, "limit"),
        ({"limit": 101}, "limit"),
        ({"starting_after": "not-a-cursor"}, "starting_after"),
        ({"since": "yesterday"}, "since"),
        ({"status": "deleted"}, "status"),
    ],
)
def test_bad_query_is_422_naming_the_field(client, reader, query, field):
    response = client.get(SIGNERS, query_string=query, headers=reader)
    assert response.status_code == 422
    assert field in response.get_json()["errors"]


def test_unknown_petition_is_404(client, reader):
    response = client.get("/api/v1/petitions/nope/signatures", headers=reader)
    assert response.status_code == 404
    assert response.content_type == "application/problem+json"


def test_organizers_see_draft_petitions(app, client, reader):
    sign(app, "early@example.org")
    manager = bearer(app, "manage")
    assert (
        client.patch(
            f"/api/v1/petitions/{PETITION}", json={"status": "draft"}, headers=manager
        ).status_code
        == 200
    )
    assert client.get(f"/api/v1/petitions/{PETITION}").status_code == 404  # public
    body = client.get(SIGNERS, headers=reader).get_json()
    assert [row["email"] for row in body["data"]] == ["early@example.org"]


def test_signups_page_like_signers(app, client, reader):
    for i in range(4):
        join(app, f"j{i}@example.org", source="rally", consent=i % 2 == 0)
    first = client.get(SIGNUPS, query_string={"limit": 3}, headers=reader).get_json()
    assert first["has_more"] is True and len(first["data"]) == 3
    rest = client.get(
        SIGNUPS, query_string={"limit": 3, "starting_after": first["next_cursor"]}, headers=reader
    ).get_json()
    assert rest["has_more"] is False and len(rest["data"]) == 1
    rows = first["data"] + rest["data"]
    assert [r["email"] for r in rows] == [f"j{i}@example.org" for i in range(4)]
    assert [r["consent"] for r in rows] == [True, False, True, False]
    assert rows[0]["source"] == "rally" and rows[0]["country"] == "AM"
    assert client.get("/api/v1/campaigns/nope/signups", headers=reader).status_code == 404


def test_openapi_documents_the_bearer_scheme(client):
    spec = client.get("/openapi.json").get_json()
    assert spec["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    for path, method in [
        ("/api/v1/petitions/{slug}/signatures", "get"),
        ("/api/v1/petitions/{slug}/signatures.csv", "get"),
        ("/api/v1/campaigns/{slug}/signups", "get"),
        ("/api/v1/campaigns/{slug}/signups.csv", "get"),
        ("/api/v1/campaigns/{slug}", "patch"),
        ("/api/v1/petitions/{slug}", "patch"),
        ("/api/v1/campaigns/{slug}/prisoners/{prisoner_slug}", "patch"),
        ("/api/v1/petitions/{slug}/signatures/{signature_id}/invalidate", "post"),
        ("/api/v1/petitions/{slug}/signatures/invalidate", "post"),
    ]:
        operation = spec["paths"][path][method]
        assert operation["security"] == [{"bearerAuth": []}], path
        assert {"401", "403"} <= set(operation["responses"]), path
    # Public operations stay open; reads that show organizers drafts take a token optionally.
    assert "security" not in spec["paths"]["/api/v1/petitions/{slug}/tally"]["get"]
    assert {} in spec["paths"]["/api/v1/campaigns/{slug}"]["get"]["security"]
    csv = spec["paths"]["/api/v1/petitions/{slug}/signatures.csv"]["get"]["responses"]["200"]
    assert "text/csv" in csv["content"]
