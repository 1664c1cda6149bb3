"""Webhook URLs: no private address by any IPv6 disguise, no unresolvable name, no rebinding."""

import socket
import threading

import pytest
from sqlalchemy import select

from campaign.models import OutboxItem, Webhook
from campaign.models.base import db
from campaign.models.types import utcnow
from tests.delivery import run_worker
from tests.support import bearer, signer

HOOKS = "/api/v1/webhooks"
SIGNUPS = "/api/v1/campaigns/nagorno-karabakh-political-prisoners/signups"


def register(client, headers, url: str):
    return client.post(HOOKS, json={"url": url, "events": ["signup.created"]}, headers=headers)


@pytest.mark.parametrize(
    "url",
    [
        "https://[64:ff9b::7f00:1]/",  # NAT64 of 127.0.0.1
        "https://[64:ff9b::a00:1]/",  # NAT64 of 10.0.0.1
        "https://[64:ff9b:1::a00:1]/",  # local-use NAT64
        "https://[2002:7f00:1::]/",  # 6to4 of 127.0.0.1
        "https://[2002:c0a8:101::1]/",  # 6to4 of 192.168.1.1
        "https://[2001:0:4136:e378:8000:63bf:80ff:fffe]/",  # Teredo, client 127.0.0.1
        "https://[2001:0:4136:e378:8000:63bf:f5ff:fffe]/",  # Teredo, client 10.0.0.1
        "https://[::127.0.0.1]/",  # IPv4-compatible
        "https://[::ffff:10.0.0.1]/",  # IPv4-mapped
        "https://nothing-here.invalid/hook",  # does not resolve
    ],
)
def test_disguised_private_and_unresolvable_hosts_are_refused(make_app, url):
    app = make_app()
    response = register(app.test_client(), bearer(app), url)
    assert response.status_code == 422, url
    assert "url" in response.get_json()["errors"]


@pytest.mark.parametrize("url", ["https://[2002:808:808::1]/", "https://[64:ff9b::808:808]/"])
def test_transition_forms_of_public_addresses_are_accepted(make_app, url):
    app = make_app()
    assert register(app.test_client(), bearer(app), url).status_code == 201


@pytest.fixture
def local_listener():
    """A TCP port on 127.0.0.1 that notes every connection made to it."""
    server = socket.create_server(("127.0.0.1", 0))
    accepted = []

    def serve():
        while True:
            try:
                conn, _ = server.accept()
            except OSError:
                return
            accepted.append(conn)
            conn.close()

    threading.Thread(target=serve, daemon=True).start()
    yield server.getsockname()[1], accepted
    server.close()


def test_delivery_connects_to_the_address_it_checked(make_app, local_listener, monkeypatch):
    """DNS rebinding: the name answers a public address to the check, then 127.0.0.1."""
    port, accepted = local_listener
    app = make_app(DELIVERY_TIMEOUT_SECONDS=1)
    with app.app_context():
        db.session.add(
            Webhook(
                url=f"https://rebind.example:{port}/hook",
                events="signup.created",
                secret="whsec_test",
                description="",
                active=True,
                created_at=utcnow(),
                last_error="",
                failures=0,
            )
        )
        db.session.commit()
    real = socket.getaddrinfo
    lookups = []

    def rebinding(host, *args, **kwargs):
        if host != "rebind.example":
            return real(host, *args, **kwargs)
        # The first look-up answers a public address, every later one this machine.
        address = "127.0.0.1" if lookups else "1.1.1.1"
        lookups.append(address)
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port))]

    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    assert app.test_client().post(SIGNUPS, json=signer()).status_code == 201
    run_worker(app)
    assert lookups == ["1.1.1.1"]
    assert accepted == []
    with app.app_context():
        item = db.session.scalar(select(OutboxItem).where(OutboxItem.kind == "webhook"))
        assert item.status == "pending" and item.attempts == 1
