"""Every error is an RFC 9457 problem document."""

import pytest


def _assert_problem(response, status):
    assert response.status_code == status
    assert response.content_type == "application/problem+json"
    body = response.get_json()
    assert body["status"] == status
    assert body["title"]
    assert body["type"]
    assert body["instance"] == response.request.path
    return body


def test_unknown_path_is_404_problem(client):
    _assert_problem(client.get("/no/such/thing"), 404)


def test_wrong_method_is_405_problem_with_allow(client):
    response = client.delete("/api/v1/campaigns")
    _assert_problem(response, 405)
    assert "GET" in response.headers["Allow"]


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded"])
def test_non_json_body_is_415_problem(client, content_type):
    response = client.post("/api/v1/campaigns", data="a=b", headers={"Content-Type": content_type})
    body = _assert_problem(response, 415)
    assert "application/json" in body["detail"]


def test_oversized_body_is_413_problem(make_app):
    client = make_app(MAX_BODY_BYTES=1024).test_client()
    response = client.post(
        "/api/v1/petitions/release-the-prisoners/signatures",
        data=b'{"x": "' + b"a" * 4096 + b'"}',
        headers={"Content-Type": "application/json"},
    )
    _assert_problem(response, 413)


def test_security_headers_on_every_response(client):
    for path in ("/api/v1/campaigns", "/nope"):
        response = client.get(path)
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"] == "no-referrer"
        assert "default-src 'none'" in response.headers["Content-Security-Policy"]


def test_a_database_bug_is_a_500_not_an_outage(make_app, caplog):
    from sqlalchemy import text

    from campaign.models.base import db

    app = make_app(PROPAGATE_EXCEPTIONS=False)
    app.add_url_rule(
        "/broken", "broken", lambda: str(db.session.execute(text("SELECT nope FROM nowhere")).all())
    )
    response = app.test_client().get("/broken")
    body = _assert_problem(response, 500)
    assert "nowhere" not in response.get_data(as_text=True)
    assert "Retry-After" not in response.headers
    assert body["detail"] == "The server failed to handle this request."
    assert any("database error" in r.getMessage() for r in caplog.records)
