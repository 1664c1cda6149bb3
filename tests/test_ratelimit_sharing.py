"""One allowance per action across native and OSDI paths; widget keys spent by accepted writes."""

from sqlalchemy.exc import OperationalError

from campaign.models.base import db
from tests.osdi_support import osdi_person, signature_body

PETITION = "release-the-prisoners"
CAMPAIGN = "nagorno-karabakh-political-prisoners"
NATIVE_SIGN = f"/api/v1/petitions/{PETITION}/signatures"
OSDI_SIGN = f"/osdi/v1/petitions/{PETITION}/signatures"
NATIVE_JOIN = f"/api/v1/campaigns/{CAMPAIGN}/signups"
OSDI_PEOPLE = "/osdi/v1/people"
WIDGET = {"X-Widget-Key": "partner-news"}


def native(n: int) -> dict:
    return {"given_name": "Tester", "email": f"person{n}@example.org"}


def osdi_signature(n: int) -> dict:
    return signature_body(person=osdi_person(email=f"person{n}@example.org"))


def osdi_signup(n: int) -> dict:
    return {"person": osdi_person(email=f"person{n}@example.org"), "add_lists": [CAMPAIGN]}


def send(client, url, body, address="198.51.100.1", **headers):
    return client.post(url, json=body, headers=headers, environ_base={"REMOTE_ADDR": address})


def test_signing_natively_and_through_osdi_draws_on_one_allowance(make_app):
    client = make_app(SIGNATURE_RATE_LIMIT="3/minute").test_client()
    assert send(client, NATIVE_SIGN, native(0)).status_code == 201
    assert send(client, OSDI_SIGN, osdi_signature(1)).status_code == 200
    assert send(client, NATIVE_SIGN, native(2)).status_code == 201
    assert send(client, OSDI_SIGN, osdi_signature(3)).status_code == 429
    assert send(client, NATIVE_SIGN, native(4)).status_code == 429
    # Joining a list is another action with an allowance of its own.
    assert send(client, NATIVE_JOIN, native(5)).status_code == 201


def test_joining_natively_and_through_osdi_people_draws_on_one_allowance(make_app):
    client = make_app(SIGNUP_RATE_LIMIT="2/minute").test_client()
    assert send(client, OSDI_PEOPLE, osdi_signup(0)).status_code == 200
    assert send(client, NATIVE_JOIN, native(1)).status_code == 201
    refused = send(client, OSDI_PEOPLE, osdi_signup(2))
    assert refused.status_code == 429
    assert refused.headers["X-RateLimit-Limit"] == "2"
    assert send(client, NATIVE_JOIN, native(3)).status_code == 429


def test_invalid_bodies_do_not_spend_a_widget_key(make_app):
    client = make_app(WIDGET_RATE_LIMIT="2/minute").test_client()
    for n in range(20):
        invalid = send(client, NATIVE_SIGN, {"email": "x"}, address=f"198.51.100.{n}", **WIDGET)
        assert invalid.status_code == 422
    assert (
        send(client, OSDI_SIGN, {"person": {}}, address="198.51.100.50", **WIDGET).status_code
        == 400
    )
    assert (
        send(client, NATIVE_SIGN, native(0), address="198.51.100.60", **WIDGET).status_code == 201
    )
    assert (
        send(client, NATIVE_JOIN, native(1), address="198.51.100.61", **WIDGET).status_code == 201
    )
    refused = send(client, NATIVE_SIGN, native(2), address="198.51.100.62", **WIDGET)
    assert refused.status_code == 429
    assert refused.headers["X-RateLimit-Limit"] == "2"


def test_one_64_cannot_spend_more_than_its_own_share_of_a_widget_key(make_app):
    app = make_app(
        SIGNATURE_RATE_LIMIT="3/minute", WIDGET_RATE_LIMIT="5/minute", TRUSTED_PROXY_HOPS=1
    )
    client = app.test_client()

    def from_64(n: int, body: dict):
        headers = {**WIDGET, "X-Forwarded-For": f"2001:db8:66:1::{n + 1:x}"}
        return send(client, NATIVE_SIGN, body, address="10.0.0.5", **headers)

    # Junk and valid posts from 25 addresses of one /64: its allowance ends after three.
    codes = [from_64(n, native(n) if n % 2 else {"email": "junk"}).status_code for n in range(25)]
    assert codes.count(201) == 1 and codes.count(422) == 2 and codes.count(429) == 22
    codes = [from_64(100 + n, native(100 + n)).status_code for n in range(5)]
    assert codes == [429] * 5
    # The partner's other readers still have the rest of the key: 5 - 1.
    others = [
        send(
            client,
            NATIVE_SIGN,
            native(200 + n),
            address="10.0.0.5",
            **WIDGET,
            **{"X-Forwarded-For": f"203.0.113.{n}"},
        ).status_code
        for n in range(5)
    ]
    assert others == [201, 201, 201, 201, 429]


def test_a_write_whose_commit_fails_gives_its_widget_hit_back(make_app, monkeypatch):
    app = make_app(WIDGET_RATE_LIMIT="1/minute", PROPAGATE_EXCEPTIONS=False)
    client = app.test_client()

    def fail() -> None:
        raise OperationalError("COMMIT", None, Exception("gone"), connection_invalidated=True)

    # With a key the signature waits for the request's commit (it cannot run alone).
    monkeypatch.setattr(db.session, "commit", fail)
    failed = send(client, NATIVE_SIGN, native(0), **WIDGET, **{"Idempotency-Key": "k-0"})
    assert failed.status_code == 503
    assert "X-RateLimit-Limit" in failed.headers
    monkeypatch.undo()
    accepted = send(client, NATIVE_SIGN, native(1), address="198.51.100.2", **WIDGET)
    assert accepted.status_code == 201
    refused = send(client, NATIVE_SIGN, native(2), address="198.51.100.3", **WIDGET)
    assert refused.status_code == 429
