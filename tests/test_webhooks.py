"""Webhooks: registered by organizers, signed with HMAC-SHA256, retried, visible."""

import hashlib
import hmac
import json

from sqlalchemy import func, select

from campaign.models import OutboxItem
from campaign.models.base import db
from campaign.models.types import utcnow
from tests.delivery import run_worker
from tests.support import ALL_DEMANDS, bearer, require_confirmation, set_rows, signer

URL = f"/api/v1/petitions/{ALL_DEMANDS}/signatures"

HOOKS = "/api/v1/webhooks"
SIGNUPS = "/api/v1/campaigns/nagorno-karabakh-political-prisoners/signups"


def register(client, headers, url, events=("signature.counted", "signup.created")) -> dict:
    response = client.post(HOOKS, json={"url": url, "events": list(events)}, headers=headers)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def outbox_size(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(OutboxItem))


def test_events_arrive_signed_with_the_endpoint_secret(make_app, receiver):
    app = make_app(WEBHOOKS_ALLOW_HTTP=True)
    client = app.test_client()
    headers = bearer(app)
    hook = register(client, headers, receiver.url)
    assert hook["secret"].startswith("whsec_")
    # The secret is shown once: listing never shows it.
    listed = client.get(HOOKS, headers=headers).get_json()["data"]
    assert [h["id"] for h in listed] == [hook["id"]] and "secret" not in listed[0]

    client.post(URL, json=signer(comment="Free them."))
    client.post(SIGNUPS, json=signer(email="joiner@example.org"))
    run_worker(app)
    assert len(receiver.requests) == 2
    for request in receiver.requests:
        expected = hmac.new(hook["secret"].encode(), request["body"], hashlib.sha256).hexdigest()
        assert request["headers"]["X-Signature"] == f"sha256={expected}"
        assert len(request["headers"]["Idempotency-Key"]) == 32
    events = [json.loads(r["body"]) for r in receiver.requests]
    assert [e["event"] for e in events] == ["signature.counted", "signup.created"]
    assert events[0]["data"]["person"]["email"] == "anahit@example.org"
    assert events[0]["data"]["signature"]["comment"] == "Free them."
    assert events[1]["data"]["campaign"] == "nagorno-karabakh-political-prisoners"
    shown = client.get(f"{HOOKS}/{hook['id']}", headers=headers).get_json()
    assert shown["last_status"] == 200 and shown["failures"] == 0
    assert [d["status"] for d in shown["recent_deliveries"]] == ["delivered", "delivered"]


def test_a_pending_signature_is_announced_when_confirmed_not_before(make_app, receiver, smtp):
    app = make_app(WEBHOOKS_ALLOW_HTTP=True, MAIL_URL=smtp.url)
    client = app.test_client()
    register(client, bearer(app), receiver.url, events=["signature.counted"])
    require_confirmation(app)
    client.post(URL, json=signer())
    run_worker(app)
    assert receiver.requests == []
    link = next(w for w in smtp.messages[0].get_content().split() if "/confirm/" in w)
    client.post("/" + link.split("/", 3)[3], data={"confirm": "1"})
    run_worker(app)
    assert [json.loads(r["body"])["event"] for r in receiver.requests] == ["signature.counted"]


def test_failures_are_retried_with_the_same_key_and_shown(make_app, receiver):
    app = make_app(WEBHOOKS_ALLOW_HTTP=True, OUTBOX_BACKOFF_SECONDS=60)
    client = app.test_client()
    headers = bearer(app)
    hook = register(client, headers, receiver.url, events=["signup.created"])
    receiver.statuses = [500, 503]
    client.post(SIGNUPS, json=signer())
    run_worker(app)
    shown = client.get(f"{HOOKS}/{hook['id']}", headers=headers).get_json()
    assert (shown["last_status"], shown["failures"]) == (500, 1)
    [delivery] = shown["recent_deliveries"]
    assert (delivery["status"], delivery["attempts"], delivery["last_error"]) == (
        "pending",
        1,
        "HTTP 500",
    )
    for _ in range(2):
        set_rows(app, OutboxItem, next_attempt_at=utcnow())
        run_worker(app)
    keys = receiver.keys()
    assert len(keys) == 3 and len(set(keys)) == 1
    shown = client.get(HOOKS, headers=headers).get_json()["data"][0]
    assert (shown["last_status"], shown["failures"]) == (200, 0)


def test_nothing_is_queued_without_endpoints_and_deleting_drops_pending_events(make_app):
    app = make_app(WEBHOOKS_ALLOW_HTTP=True)
    client = app.test_client()
    headers = bearer(app)
    client.post(URL, json=signer())
    assert outbox_size(app) == 0
    hook = register(client, headers, "http://127.0.0.1:9/hook")
    client.post(SIGNUPS, json=signer(email="b@example.org"))
    assert outbox_size(app) == 1
    assert client.delete(f"{HOOKS}/{hook['id']}", headers=headers).status_code == 204
    assert outbox_size(app) == 0
    assert client.get(f"{HOOKS}/{hook['id']}", headers=headers).status_code == 404


def test_only_public_https_urls_by_default_and_manage_scope_required(make_app):
    app = make_app()
    client = app.test_client()
    headers = bearer(app)
    for url in ("http://crm.example.org/hook", "https://127.0.0.1/hook", "https://localhost/x"):
        response = client.post(
            HOOKS, json={"url": url, "events": ["signup.created"]}, headers=headers
        )
        assert response.status_code == 422, url
        assert "url" in response.get_json()["errors"]
    bad_event = client.post(
        HOOKS, json={"url": "https://1.1.1.1/h", "events": ["x"]}, headers=headers
    )
    assert bad_event.status_code == 422
    # A public address (a name must also resolve, and tests run without DNS).
    ok = client.post(
        HOOKS,
        json={"url": "https://1.1.1.1/h", "events": ["signup.created"]},
        headers=headers,
    )
    assert ok.status_code == 201
    reader = bearer(app, "read,export")
    assert client.get(HOOKS, headers=reader).status_code == 403


def test_numeric_and_dotted_forms_of_private_addresses_are_refused(make_app):
    app = make_app()
    client = app.test_client()
    headers = bearer(app)
    # Each of these reaches 127.0.0.1 (or this host) although it is no dotted quad.
    for url in (
        "https://127.1/hook",
        "https://2130706433/hook",
        "https://0x7f.1/hook",
        "https://localhost./hook",
        "https://[::ffff:127.0.0.1]/hook",
    ):
        response = client.post(
            HOOKS, json={"url": url, "events": ["signup.created"]}, headers=headers
        )
        assert response.status_code == 422, url
        assert "url" in response.get_json()["errors"]


def test_delivery_refuses_an_endpoint_that_now_resolves_to_a_private_address(make_app, receiver):
    # Registered while private hosts were allowed; the policy is checked again on delivery,
    # where a name may meanwhile point elsewhere.
    lenient = make_app(WEBHOOKS_ALLOW_HTTP=True)
    headers = bearer(lenient)
    hook = register(lenient.test_client(), headers, receiver.url, events=("signup.created",))
    strict = make_app()
    client = strict.test_client()
    client.post(SIGNUPS, json=signer(email="joiner@example.org"))
    run_worker(strict)
    assert receiver.requests == []
    shown = client.get(f"{HOOKS}/{hook['id']}", headers=headers).get_json()
    assert shown["failures"] == 1 and "public" in shown["last_error"]
