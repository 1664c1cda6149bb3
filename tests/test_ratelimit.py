"""Rate limits on writes: per client address, per widget key, behind proxies, Redis down."""

import logging

import pytest
from sqlalchemy import select

from campaign.models import Signature
from campaign.models.base import db
from campaign.services import people

URL = "/api/v1/petitions/release-the-prisoners/signatures"
SIGNUPS = "/api/v1/campaigns/nagorno-karabakh-political-prisoners/signups"


def body(n: int) -> dict:
    return {"given_name": "Tester", "email": f"person{n}@example.org"}


def post(client, n=0, url=URL, address="198.51.100.1", **headers):
    return client.post(url, json=body(n), headers=headers, environ_base={"REMOTE_ADDR": address})


def statuses(client, count, **kwargs) -> list[int]:
    return [post(client, n, **kwargs).status_code for n in range(count)]


def test_the_limit_comes_from_config_and_is_exact(make_app):
    client = make_app(SIGNATURE_RATE_LIMIT="3/minute").test_client()
    assert statuses(client, 5) == [201, 201, 201, 429, 429]


def test_over_the_limit_is_a_problem_with_retry_after_and_limit_headers(make_app):
    client = make_app(SIGNATURE_RATE_LIMIT="1/minute").test_client()
    ok = post(client, 0)
    assert ok.headers["X-RateLimit-Limit"] == "1"
    assert ok.headers["X-RateLimit-Remaining"] == "0"
    refused = post(client, 1)
    assert refused.status_code == 429
    assert refused.content_type == "application/problem+json"
    problem = refused.get_json()
    assert problem["status"] == 429
    assert problem["type"].endswith("rate-limited")
    assert "1 per 1 minute" in problem["detail"]
    assert 0 < int(refused.headers["Retry-After"]) <= 60
    assert refused.headers["X-RateLimit-Limit"] == "1"
    assert refused.headers["X-RateLimit-Remaining"] == "0"
    assert int(refused.headers["X-RateLimit-Reset"]) > 0


def test_retry_after_is_sent_only_with_a_refusal(make_app):
    # A Retry-After on a 201 or a 422 tells a client to wait before a request that needs
    # no retry (or a fix, not a wait); only the refusal carries it.
    client = make_app(SIGNATURE_RATE_LIMIT="2/minute").test_client()
    ok = post(client, 0)
    assert ok.status_code == 201
    assert "Retry-After" not in ok.headers
    assert ok.headers["X-RateLimit-Remaining"] == "1"
    invalid = client.post(URL, json={}, environ_base={"REMOTE_ADDR": "198.51.100.1"})
    assert invalid.status_code == 422
    assert "Retry-After" not in invalid.headers
    refused = post(client, 2)
    assert refused.status_code == 429
    assert 0 < int(refused.headers["Retry-After"]) <= 60


def test_burst_and_sustained_limits_both_apply(make_app):
    client = make_app(SIGNATURE_RATE_LIMIT="5/minute;2/hour").test_client()
    assert statuses(client, 3) == [201, 201, 429]


def test_sign_ups_have_their_own_limit(make_app):
    client = make_app(SIGNATURE_RATE_LIMIT="1/minute", SIGNUP_RATE_LIMIT="2/minute").test_client()
    assert statuses(client, 3, url=SIGNUPS) == [201, 201, 429]
    assert post(client, 9).status_code == 201


def test_default_limits_are_a_burst_and_a_sustained_limit(monkeypatch):
    from campaign import config

    for name in ("SIGNATURE_RATE_LIMIT", "SIGNUP_RATE_LIMIT"):
        monkeypatch.delenv(name, raising=False)
    settings = config.from_environment("/tmp")
    assert settings["SIGNATURE_RATE_LIMIT"] == "10/minute;100/hour"
    assert settings["SIGNUP_RATE_LIMIT"] == "10/minute;100/hour"
    monkeypatch.setenv("SIGNATURE_RATE_LIMIT", "5/second")
    assert config.from_environment("/tmp")["SIGNATURE_RATE_LIMIT"] == "5/second"


def test_each_client_address_has_its_own_budget(make_app):
    client = make_app(SIGNATURE_RATE_LIMIT="1/minute").test_client()
    assert post(client, 0, address="198.51.100.1").status_code == 201
    assert post(client, 1, address="198.51.100.1").status_code == 429
    assert post(client, 2, address="198.51.100.2").status_code == 201


def test_invalid_bodies_spend_the_budget_too(make_app):
    client = make_app(SIGNATURE_RATE_LIMIT="2/minute").test_client()
    bad = client.post(URL, json={"email": "x"}, environ_base={"REMOTE_ADDR": "198.51.100.1"})
    assert bad.status_code == 422
    assert statuses(client, 2) == [201, 429]


def test_bodies_the_request_checks_refuse_are_answered_before_counting(make_app):
    client = make_app(SIGNATURE_RATE_LIMIT="2/minute").test_client()
    here = {"REMOTE_ADDR": "198.51.100.1"}
    for data, kind, status in (
        ("{bad", "application/json", 400),
        ("given_name=A", "text/plain", 415),
        ('{"given_name": "\\ud800"}', "application/json", 422),
    ):
        refused = client.post(URL, data=data, content_type=kind, environ_base=here)
        assert refused.status_code == status
        assert "X-RateLimit-Remaining" not in refused.headers
    assert statuses(client, 3) == [201, 201, 429]


def test_preflight_requests_are_not_counted(make_app):
    client = make_app(SIGNATURE_RATE_LIMIT="1/minute", CORS_ORIGINS=["https://a.example"])
    client = client.test_client()
    for _ in range(3):
        preflight = client.options(
            URL,
            headers={"Origin": "https://a.example", "Access-Control-Request-Method": "POST"},
            environ_base={"REMOTE_ADDR": "198.51.100.1"},
        )
        assert preflight.status_code == 200
    assert post(client).status_code == 201


def test_without_trusted_proxies_x_forwarded_for_is_ignored(make_app):
    app = make_app(SIGNATURE_RATE_LIMIT="2/minute", TRUSTED_PROXY_HOPS=0)
    client = app.test_client()
    codes = [post(client, n, **{"X-Forwarded-For": f"203.0.113.{n}"}).status_code for n in range(4)]
    assert codes == [201, 201, 429, 429]
    with app.app_context(), app.test_request_context():
        hashes = set(db.session.scalars(select(Signature.ip_hash)))
        assert hashes == {people.hash_address("198.51.100.1")}


def test_one_trusted_proxy_gives_the_address_it_saw(make_app):
    app = make_app(SIGNATURE_RATE_LIMIT="1/minute", TRUSTED_PROXY_HOPS=1)
    client = app.test_client()
    proxy = "10.0.0.5"
    assert post(client, 0, address=proxy, **{"X-Forwarded-For": "203.0.113.1"}).status_code == 201
    # A client can prepend anything; only the hop the trusted proxy added is believed.
    spoofed = {"X-Forwarded-For": "192.0.2.99, 203.0.113.1"}
    assert post(client, 1, address=proxy, **spoofed).status_code == 429
    assert post(client, 2, address=proxy, **{"X-Forwarded-For": "203.0.113.2"}).status_code == 201
    with app.test_request_context():
        expected = {people.hash_address("203.0.113.1"), people.hash_address("203.0.113.2")}
    with app.app_context():
        assert set(db.session.scalars(select(Signature.ip_hash))) == expected


def test_a_widget_key_has_its_own_limit_across_addresses_and_endpoints(make_app):
    client = make_app(WIDGET_RATE_LIMIT="3/minute").test_client()
    widget = {"X-Widget-Key": "partner-news_1"}
    assert post(client, 0, address="198.51.100.1", **widget).status_code == 201
    assert post(client, 1, address="198.51.100.2", **widget).status_code == 201
    assert post(client, 2, address="198.51.100.3", url=SIGNUPS, **widget).status_code == 201
    refused = post(client, 3, address="198.51.100.4", **widget)
    assert refused.status_code == 429
    assert refused.headers["X-RateLimit-Limit"] == "3"
    assert post(client, 4, address="198.51.100.4").status_code == 201
    other = {"X-Widget-Key": "another-partner"}
    assert post(client, 5, address="198.51.100.4", **other).status_code == 201


def test_malformed_widget_keys_share_one_budget(make_app):
    client = make_app(WIDGET_RATE_LIMIT="1/minute").test_client()
    assert post(client, 0, address="198.51.100.1", **{"X-Widget-Key": "x" * 65}).status_code == 201
    second = post(client, 1, address="198.51.100.2", **{"X-Widget-Key": "bad key!"})
    assert second.status_code == 429


def test_when_redis_is_down_writes_are_served_with_a_warning(make_app, caplog, dead_redis_url):
    app = make_app(RATELIMIT_STORAGE_URI=dead_redis_url, SIGNATURE_RATE_LIMIT="2/minute")
    client = app.test_client()
    with caplog.at_level(logging.WARNING):
        codes = statuses(client, 3)
    # Still limited, per process, from memory.
    assert codes == [201, 201, 429]
    warnings = [r for r in caplog.records if r.name == "campaign.ratelimit"]
    assert len(warnings) == 1
    assert "unreachable" in warnings[0].getMessage()
    with app.app_context():
        assert len(list(db.session.scalars(select(Signature)))) == 2


def test_failing_closed_refuses_writes_with_503_when_redis_is_down(make_app, dead_redis_url):
    app = make_app(RATELIMIT_STORAGE_URI=dead_redis_url, RATELIMIT_FAIL_OPEN=False)
    response = post(app.test_client())
    assert response.status_code == 503
    assert response.content_type == "application/problem+json"
    assert response.get_json()["type"].endswith("rate-limit-unavailable")
    assert response.headers["Retry-After"] == "5"


@pytest.mark.parametrize("path", ["/healthz", "/api/v1/petitions/release-the-prisoners"])
def test_reads_are_not_limited(make_app, path):
    client = make_app(SIGNATURE_RATE_LIMIT="1/minute").test_client()
    assert all(client.get(path).status_code == 200 for _ in range(5))


def test_fail_open_is_the_default_and_can_be_turned_off_from_the_environment(
    make_app, monkeypatch, dead_redis_url
):
    assert make_app().config["RATELIMIT_FAIL_OPEN"] is True
    monkeypatch.setenv("RATELIMIT_FAIL_OPEN", "false")
    app = make_app(RATELIMIT_STORAGE_URI=dead_redis_url)
    assert app.config["RATELIMIT_FAIL_OPEN"] is False
    assert post(app.test_client()).status_code == 503
