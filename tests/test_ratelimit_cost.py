"""What the limiter costs: one storage round trip per limited write, nothing on other routes,
and no client address in any log line it causes."""

import logging
import sys

import pytest
import redis.connection

from tests.conftest import ON_REDIS

URL = "/api/v1/petitions/release-the-prisoners/signatures"
READS = [
    "/healthz",
    "/api/v1/petitions/release-the-prisoners",
    "/api/v1/campaigns/nagorno-karabakh-political-prisoners",
    "/api/v1/petitions/release-the-prisoners/tally",
]


@pytest.fixture
def round_trips(monkeypatch) -> list:
    """Every round trip to the rate-limit storage: Redis commands sent, or in-memory steps."""
    calls: list = []
    if ON_REDIS:
        send = redis.connection.AbstractConnection.send_packed_command

        def counting_send(self, command, check_health=True):
            calls.append(command)
            return send(self, command, check_health)

        monkeypatch.setattr(
            redis.connection.AbstractConnection, "send_packed_command", counting_send
        )
    else:
        from campaign.ratelimit.counters import MemoryCounters

        for name in ("hit", "refund"):
            step = getattr(MemoryCounters, name)

            def counting_step(self, argument, step=step):
                calls.append(argument)
                return step(self, argument)

            monkeypatch.setattr(MemoryCounters, name, counting_step)
    return calls


def post(client, n, body=None, address="198.51.100.1", **headers):
    body = body if body is not None else {"given_name": "Tester", "email": f"p{n}@example.org"}
    return client.post(URL, json=body, headers=headers, environ_base={"REMOTE_ADDR": address})


def test_a_limited_write_costs_one_round_trip_and_its_headers_come_from_it(make_app, round_trips):
    client = make_app(SIGNATURE_RATE_LIMIT="10/minute;100/hour").test_client()
    post(client, 0)  # the first request connects and loads the script
    round_trips.clear()
    answers = [post(client, n, **{"X-Widget-Key": "partner"}) for n in range(1, 6)]
    assert [a.status_code for a in answers] == [201] * 5
    assert len(round_trips) == 5
    assert [a.headers["X-RateLimit-Remaining"] for a in answers] == ["8", "7", "6", "5", "4"]
    assert {a.headers["X-RateLimit-Limit"] for a in answers} == {"10"}


def test_a_refused_widget_write_gives_its_hit_back_in_one_more_round_trip(make_app, round_trips):
    client = make_app().test_client()
    # The first of each kind connects and loads its script into Redis.
    post(client, 0, {"email": "x"}, **{"X-Widget-Key": "partner"})
    round_trips.clear()
    assert post(client, 1, {"email": "x"}, **{"X-Widget-Key": "partner"}).status_code == 422
    assert len(round_trips) == 2
    round_trips.clear()
    assert post(client, 2, {"email": "x"}).status_code == 422
    assert len(round_trips) == 1


@pytest.mark.parametrize("path", READS)
def test_routes_without_a_limit_run_no_limiter_code(make_app, round_trips, path):
    client = make_app().test_client()
    post(client, 0)
    round_trips.clear()
    called: set[str] = set()

    def profile(frame, event, _arg):
        if event == "call":
            called.add(frame.f_globals.get("__name__") or "")

    sys.setprofile(profile)
    try:
        statuses = [client.get(path).status_code for _ in range(3)]
    finally:
        sys.setprofile(None)
    assert statuses == [200, 200, 200]
    assert round_trips == []
    limiter_code = {m for m in called if m.startswith(("campaign.ratelimit", "flask_limiter"))}
    assert limiter_code == set()


@pytest.mark.parametrize("storage", ["configured", "unreachable"])
def test_no_log_line_holds_a_client_address(make_app, caplog, storage, dead_redis_url):
    overrides = {"SIGNATURE_RATE_LIMIT": "1/minute", "TRUSTED_PROXY_HOPS": 1}
    if storage == "unreachable":
        overrides["RATELIMIT_STORAGE_URI"] = dead_redis_url
    client = make_app(**overrides).test_client()
    clients = ["203.0.113.77", "2001:db8:77:1::5", "garbage-addr-77"]
    proxy = "10.0.0.77"
    with caplog.at_level(logging.DEBUG):
        for n, address in enumerate(clients * 2):
            forwarded = {"X-Forwarded-For": address, "X-Widget-Key": "partner"}
            post(client, n, address=proxy, **forwarded)
            post(client, 100 + n, {"email": "x"}, address=proxy, **forwarded)
    assert any(r.getMessage().endswith(" 429") for r in caplog.records)
    forbidden = [*clients, proxy, "2001:db8:77:1::", "2001:db8:77:1::/64"]
    for record in caplog.records:
        text = record.getMessage() + " " + repr(record.__dict__)
        assert not [value for value in forbidden if value in text], text
