"""Operations: request ids, JSON request logs without personal data, guarded metrics."""

import json
import logging

import pytest

from campaign import create_app
from campaign.logs import JsonFormatter
from campaign.models import Petition
from campaign.models.base import db
from tests.conftest import ON_POSTGRES

CLOSED_PORT_DB = "postgresql+psycopg://postgres@127.0.0.1:1/none"


def access_records(caplog):
    return [r for r in caplog.records if r.name == "campaign.access"]


def test_a_request_id_is_generated_and_returned(client):
    response = client.get("/api/v1/campaigns")
    rid = response.headers["X-Request-ID"]
    assert len(rid) == 32 and int(rid, 16) >= 0
    assert client.get("/api/v1/campaigns").headers["X-Request-ID"] != rid


def test_a_sane_request_id_is_honoured_on_success_and_on_errors(client):
    for path in ("/api/v1/campaigns", "/api/v1/petitions/no-such-petition", "/nowhere"):
        response = client.get(path, headers={"X-Request-ID": "edge-7f3a:42"})
        assert response.headers["X-Request-ID"] == "edge-7f3a:42"


@pytest.mark.parametrize(
    "offered", ["a" * 129, "x\ty", "<script>", "id with spaces", "ü-umlaut", "a;b"]
)
def test_an_unsafe_request_id_is_replaced(client, offered):
    response = client.get("/healthz", headers={"X-Request-ID": offered})
    rid = response.headers["X-Request-ID"]
    assert rid != offered and len(rid) == 32


def test_refusals_before_routing_still_carry_a_request_id(client):
    # The media type is refused before the unknown petition is looked up.
    response = client.post("/api/v1/petitions/x/signatures", data="a=b", content_type="text/plain")
    assert response.status_code == 415
    assert response.headers["X-Request-ID"]
    too_big = client.post(
        "/api/v1/petitions/x/signatures",
        data=b"{" + b" " * 20000 + b"}",
        content_type="application/json",
    )
    assert too_big.status_code == 413
    assert too_big.headers["X-Request-ID"]


def test_one_json_log_line_per_request_without_personal_data(client, caplog):
    caplog.set_level(logging.INFO, logger="campaign.access")
    client.get(
        "/api/v1/campaigns?email=someone@example.org",
        headers={"X-Request-ID": "req-1"},
        environ_base={"REMOTE_ADDR": "203.0.113.9"},
    )
    records = access_records(caplog)
    assert len(records) == 1
    line = JsonFormatter().format(records[0])
    assert "\n" not in line
    entry = json.loads(line)
    assert entry["method"] == "GET"
    assert entry["path"] == "/api/v1/campaigns"
    assert entry["route"] == "/api/v1/campaigns"
    assert entry["status"] == 200
    assert entry["request_id"] == "req-1"
    assert isinstance(entry["duration_ms"], float)
    assert len(entry["client"]) == 16
    # Neither the query string nor the address reach the log.
    assert "someone" not in line and "203.0.113.9" not in line


def test_errors_are_logged_with_their_status(client, caplog):
    caplog.set_level(logging.INFO, logger="campaign.access")
    client.get("/api/v1/petitions/no-such-petition")
    (record,) = access_records(caplog)
    assert record.status == 404
    assert record.route == "/api/v1/petitions/<slug>"


def test_metrics_are_off_by_default(client):
    response = client.get("/metrics")
    assert response.status_code == 404
    assert response.content_type == "application/problem+json"
    assert "campaign_http" not in response.get_data(as_text=True)


def test_metrics_with_a_token_answer_only_to_that_token(make_app):
    client = make_app(METRICS_TOKEN="s3cret-metrics").test_client()
    assert client.get("/metrics").status_code == 401
    wrong = client.get("/metrics", headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 401
    assert wrong.content_type == "application/problem+json"
    ok = client.get("/metrics", headers={"Authorization": "Bearer s3cret-metrics"})
    assert ok.status_code == 200
    assert ok.content_type.startswith("text/plain")


def test_metrics_count_requests_latency_refusals_and_signatures(make_app):
    client = make_app(METRICS_ENABLED=True).test_client()
    client.get("/api/v1/campaigns")
    client.get("/api/v1/petitions/no-such-petition")
    text = client.get("/metrics").get_data(as_text=True)
    assert 'campaign_http_requests_total{method="GET",route="/api/v1/campaigns",status="200"}' in (
        text
    )
    assert 'route="/api/v1/petitions/<slug>",status="404"' in text
    assert "campaign_http_request_duration_seconds_bucket" in text
    assert "campaign_rate_limit_refusals" in text
    assert "campaign_database_up 1.0" in text
    assert "campaign_signatures_counted{petition=" in text
    assert "campaign_signups_counted{campaign=" in text
    # Probing paths never become label values.
    client.get("/wp-admin/../../etc/passwd")
    text = client.get("/metrics").get_data(as_text=True)
    assert "passwd" not in text and 'route="unmatched"' in text


def test_rate_limit_refusals_are_counted(make_app):
    app = make_app(METRICS_ENABLED=True, SIGNATURE_RATE_LIMIT="1/minute")
    client = app.test_client()
    route = "/api/v1/petitions/<slug>/signatures"
    with app.app_context():
        slug = db.session.scalars(db.select(Petition.slug)).first()
    body = {"given_name": "Ani", "family_name": "K", "email": "ani@example.org", "country": "AM"}
    codes = [
        client.post(f"/api/v1/petitions/{slug}/signatures", json=body).status_code for _ in range(3)
    ]
    assert codes == [201, 429, 429]
    text = client.get("/metrics").get_data(as_text=True)
    assert f'campaign_rate_limit_refusals_total{{route="{route}"}}' in text


def test_database_down_at_start_up_does_not_crash_the_app(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgresql://postgres@127.0.0.1:1/none")
    monkeypatch.setenv("SECRET_KEY", "start-up-test")
    monkeypatch.setenv("DATABASE_CONNECT_TIMEOUT", "2")
    app = create_app({"METRICS_ENABLED": True})
    client = app.test_client()
    assert client.get("/healthz").status_code == 200
    ready = client.get("/readyz")
    assert ready.status_code == 503
    assert ready.headers["Retry-After"].isdigit()
    assert ready.headers["X-Request-ID"]
    api = client.get("/api/v1/campaigns")
    assert api.status_code == 503
    assert api.content_type == "application/problem+json"
    assert api.headers["Retry-After"].isdigit()
    assert api.get_json()["type"].endswith("database-unavailable")
    # Scrapes still answer, saying the database is down.
    assert "campaign_database_up 0.0" in client.get("/metrics").get_data(as_text=True)


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/confirm/Sekr3t-confirm_token"),
        ("POST", "/confirm/Sekr3t-confirm_token"),
        ("GET", "/unsubscribe/Sekr3t-unsub.token"),
        ("POST", "/unsubscribe/Sekr3t-unsub.token"),
        ("PUT", "/confirm/Sekr3t-confirm_token"),
        ("GET", "/confirm/Sekr3t-confirm_token/extra"),
    ],
)
def test_emailed_tokens_in_paths_never_reach_the_log(client, caplog, method, path):
    caplog.set_level(logging.INFO, logger="campaign.access")
    client.open(path, method=method)
    (record,) = access_records(caplog)
    line = JsonFormatter().format(record)
    assert "Sekr3t" not in line
    assert json.loads(line)["path"].startswith("/" + path.split("/")[1] + "/")


def test_database_errors_carry_no_statement_parameters(app):
    # Such errors are logged (errors.py); the values bound to a failed write are personal data.
    from sqlalchemy import text
    from sqlalchemy.exc import DBAPIError

    with app.app_context():
        with pytest.raises(DBAPIError) as failed:
            db.session.execute(
                text("SELECT email FROM no_such_table WHERE email = :email"),
                {"email": "private.person@example.org"},
            )
        db.session.rollback()
    assert "private.person@example.org" not in str(failed.value)


@pytest.mark.skipif(not ON_POSTGRES, reason="writes run alone on PostgreSQL only")
def test_errors_of_a_write_run_alone_carry_no_statement_parameters(app):
    # The busiest writes run on the driver's connection, outside SQLAlchemy's execution.
    from sqlalchemy import text
    from sqlalchemy.exc import DBAPIError

    from campaign.services import dialect

    with app.app_context(), pytest.raises(DBAPIError) as failed:
        dialect.run_alone(
            text("SELECT email FROM no_such_table WHERE email = :email"),
            {"email": "private.person@example.org"},
        )
    assert "no_such_table" in str(failed.value)
    assert "private.person@example.org" not in str(failed.value)
