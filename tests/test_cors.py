"""Cross-origin writes: configured origins are granted, without credentials; others are not."""

import pytest

URL = "/api/v1/petitions/release-the-prisoners/signatures"
ALLOWED = "https://campaign.example.org"
PARTNER = "https://partner.example.net"
BODY = {"given_name": "Nare", "email": "nare@example.org"}


@pytest.fixture
def client(make_app):
    return make_app(CORS_ORIGINS=[ALLOWED, PARTNER]).test_client()


def preflight(client, origin, headers="Content-Type, Idempotency-Key, X-Widget-Key"):
    return client.options(
        URL,
        headers={
            "Origin": origin,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": headers,
        },
    )


def test_preflight_from_a_configured_origin_is_answered(client):
    response = preflight(client, PARTNER)
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == PARTNER
    assert "POST" in response.headers["Access-Control-Allow-Methods"]
    allowed = {
        h.strip().lower() for h in response.headers["Access-Control-Allow-Headers"].split(",")
    }
    assert {"content-type", "idempotency-key", "x-widget-key"} <= allowed
    assert int(response.headers["Access-Control-Max-Age"]) > 0
    assert "Access-Control-Allow-Credentials" not in response.headers


def test_a_dashboard_on_a_configured_origin_may_send_its_organizer_token(client):
    response = client.options(
        "/api/v1/petitions/release-the-prisoners/signatures.csv",
        headers={
            "Origin": ALLOWED,
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "Authorization",
        },
    )
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == ALLOWED
    allowed = {
        h.strip().lower() for h in response.headers["Access-Control-Allow-Headers"].split(",")
    }
    assert "authorization" in allowed
    assert "Access-Control-Allow-Credentials" not in response.headers


def test_a_configured_origin_may_post_and_read_the_answer(client):
    response = client.post(URL, json=BODY, headers={"Origin": ALLOWED})
    assert response.status_code == 201
    assert response.headers["Access-Control-Allow-Origin"] == ALLOWED
    assert "Origin" in response.headers.get("Vary", "")
    assert "Access-Control-Allow-Credentials" not in response.headers
    exposed = {h.strip() for h in response.headers["Access-Control-Expose-Headers"].split(",")}
    assert {"Retry-After", "X-RateLimit-Limit", "X-RateLimit-Remaining"} <= exposed
    assert "Idempotent-Replayed" in exposed


def test_problems_are_readable_cross_origin_too(make_app):
    client = make_app(CORS_ORIGINS=[ALLOWED], SIGNATURE_RATE_LIMIT="1/minute").test_client()
    invalid = client.post(URL, json={"email": "x"}, headers={"Origin": ALLOWED})
    assert invalid.status_code == 422
    assert invalid.headers["Access-Control-Allow-Origin"] == ALLOWED
    limited = client.post(URL, json=BODY, headers={"Origin": ALLOWED})
    assert limited.status_code == 429
    assert limited.headers["Access-Control-Allow-Origin"] == ALLOWED


@pytest.mark.parametrize(
    "origin",
    [
        "https://evil.example.com",
        "http://campaign.example.org",
        "https://campaign.example.org.evil",
    ],
)
def test_other_origins_get_no_grant(client, origin):
    response = preflight(client, origin)
    assert "Access-Control-Allow-Origin" not in response.headers
    post = client.post(URL, json=BODY, headers={"Origin": origin})
    assert "Access-Control-Allow-Origin" not in post.headers


def test_no_configured_origins_means_no_cross_origin_grant(make_app):
    client = make_app(CORS_ORIGINS=[]).test_client()
    assert "Access-Control-Allow-Origin" not in preflight(client, ALLOWED).headers
    response = client.post(URL, json=BODY, headers={"Origin": ALLOWED})
    assert "Access-Control-Allow-Origin" not in response.headers


def test_credentials_are_never_granted_even_when_asked(client):
    response = client.post(URL, json=BODY, headers={"Origin": ALLOWED, "Cookie": "session=abc"})
    assert "Access-Control-Allow-Credentials" not in response.headers
    assert "Set-Cookie" not in response.headers
