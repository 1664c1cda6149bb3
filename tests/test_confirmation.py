"""Confirming signatures by email: pending until confirmed, single-use expiring links."""

import re
from datetime import timedelta

from sqlalchemy import func, select, update

from campaign.models import ConfirmationToken, OutboxItem, Petition, Signature
from campaign.models.base import db
from campaign.models.types import utcnow
from campaign.services import reconcile
from tests.delivery import run_worker
from tests.support import ALL_DEMANDS, bearer, require_confirmation, signer

PETITION = ALL_DEMANDS
URL = f"/api/v1/petitions/{PETITION}/signatures"

TALLY = f"/api/v1/petitions/{PETITION}/tally"
SETTING = f"/api/v1/petitions/{PETITION}/confirmation"


def link(message) -> str:
    return re.search(r"https?://\S+/confirm/\S+", message.get_content()).group(0)


def path(url: str) -> str:
    return "/" + url.split("/", 3)[3]


def statuses(app) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(select(Signature.status).order_by(Signature.id)))


def exact(app) -> bool:
    with app.app_context():
        return reconcile.check().clean


def test_a_signature_counts_only_once_confirmed_and_the_link_works_once(make_app, smtp):
    app = make_app(MAIL_URL=smtp.url, PUBLIC_BASE_URL="https://sign.example.org")
    client = app.test_client()
    headers = bearer(app)
    require_confirmation(app)

    first = client.post(URL, json=signer())
    again = client.post(URL, json=signer())
    # New, repeated and pending answers are identical: nothing reveals who has signed.
    assert first.status_code == again.status_code == 201
    assert first.get_json() == again.get_json()
    assert client.get(TALLY).get_json()["signature_count"] == 0
    counts = client.get(SETTING, headers=headers).get_json()
    assert counts == {
        "petition": PETITION,
        "requires_confirmation": True,
        "signature_count": 0,
        "pending_count": 1,
    }

    run_worker(app)
    assert len(smtp.messages) == 2  # the repeat post re-sent the email
    url = path(link(smtp.messages[0]))

    # A mail scanner fetching the link changes nothing and uses nothing up.
    page = client.get(url)
    assert page.status_code == 200 and page.mimetype == "text/html"
    assert b'<form method="post">' in page.data
    assert client.get(url).status_code == 200
    assert statuses(app) == ["pending"]

    done = client.post(url, data={"confirm": "1"})
    assert done.status_code == 200 and b"now counts" in done.data
    assert statuses(app) == ["counted"]
    assert client.get(TALLY).get_json()["signature_count"] == 1
    counts = client.get(SETTING, headers=headers).get_json()
    assert (counts["signature_count"], counts["pending_count"]) == (1, 0)
    assert exact(app)

    # Single use: the same link, or the other email's link, confirms nothing more.
    assert client.post(url, data={"confirm": "1"}).status_code == 404
    assert client.post(path(link(smtp.messages[1])), data={}).status_code == 404
    assert client.get(url).status_code == 404
    assert client.get(TALLY).get_json()["signature_count"] == 1
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ConfirmationToken)) == 0
    # Signing again once counted sends nothing and counts nothing.
    client.post(URL, json=signer())
    run_worker(app)
    assert len(smtp.messages) == 2
    assert exact(app)


def test_only_a_hash_of_the_token_is_stored(make_app, smtp):
    app = make_app(MAIL_URL=smtp.url)
    require_confirmation(app)
    app.test_client().post(URL, json=signer())
    run_worker(app)
    token = link(smtp.messages[0]).rsplit("/", 1)[1]
    with app.app_context():
        [stored] = db.session.scalars(select(ConfirmationToken.token_hash))
        payloads = [str(i.payload) for i in db.session.scalars(select(OutboxItem))]
    assert token not in stored and all(token not in p for p in payloads)


def test_repeat_posts_send_at_most_a_few_emails(make_app, smtp):
    app = make_app(MAIL_URL=smtp.url, CONFIRMATION_MAX_EMAILS=3)
    require_confirmation(app)
    client = app.test_client()
    for _ in range(6):
        assert client.post(URL, json=signer()).status_code == 201
    run_worker(app)
    assert len(smtp.messages) == 3


def test_an_expired_link_confirms_nothing(make_app, smtp):
    app = make_app(MAIL_URL=smtp.url)
    require_confirmation(app)
    client = app.test_client()
    client.post(URL, json=signer())
    run_worker(app)
    with app.app_context():
        db.session.execute(
            update(ConfirmationToken).values(expires_at=utcnow() - timedelta(seconds=1))
        )
        db.session.commit()
    url = path(link(smtp.messages[0]))
    assert client.get(url).status_code == 404
    assert client.post(url, data={"confirm": "1"}).status_code == 404
    assert statuses(app) == ["pending"]
    assert client.get(TALLY).get_json()["signature_count"] == 0


def test_turning_confirmation_off_and_on_does_the_sensible_thing(make_app, smtp):
    app = make_app(MAIL_URL=smtp.url)
    client = app.test_client()
    headers = bearer(app)
    client.post(URL, json=signer(email="early@example.org"))
    response = client.put(SETTING, json={"requires_confirmation": True}, headers=headers)
    assert response.status_code == 200 and response.get_json()["requires_confirmation"]
    # Turned on: what was counted stays counted; new signatures wait.
    client.post(URL, json=signer(email="late@example.org"))
    client.post(URL, json=signer(email="later@example.org"))
    assert statuses(app) == ["counted", "pending", "pending"]
    run_worker(app)
    assert client.get(TALLY).get_json()["signature_count"] == 1

    # Turned off: new signatures count at once, a pending link still works, and a pending
    # signer who signs again is counted.
    client.put(SETTING, json={"requires_confirmation": False}, headers=headers)
    client.post(URL, json=signer(email="new@example.org"))
    late = next(m for m in smtp.messages if m["To"] == "late@example.org")
    assert client.post(path(link(late)), data={"confirm": "1"}).status_code == 200
    client.post(URL, json=signer(email="later@example.org"))
    assert statuses(app) == ["counted"] * 4
    assert client.get(TALLY).get_json()["signature_count"] == 4
    counts = client.get(SETTING, headers=headers).get_json()
    assert counts["pending_count"] == 0
    assert exact(app)


def test_the_setting_needs_the_manage_scope(make_app):
    app = make_app()
    client = app.test_client()
    reader = bearer(app, "read")
    response = client.put(SETTING, json={"requires_confirmation": True}, headers=reader)
    assert response.status_code == 403
    with app.app_context():
        assert not db.session.scalar(
            select(Petition.requires_confirmation).where(Petition.slug == PETITION)
        )


def _links(message) -> tuple[str, str]:
    return link(message), message["List-Unsubscribe"].strip("<>")


def test_without_public_base_url_links_point_at_the_loopback_address_signed_on(make_app, smtp):
    """The quick start: gunicorn on 127.0.0.1:8000, no PUBLIC_BASE_URL; the worker has no
    request, so it links to the address recorded with the queued email."""
    app = make_app(MAIL_URL=smtp.url, PUBLIC_BASE_URL="")
    require_confirmation(app)
    local = app.test_client()
    response = local.post(URL, json=signer(), base_url="http://127.0.0.1:8000")
    assert response.status_code == 201
    run_worker(app)
    confirm, unsubscribe = _links(smtp.messages[0])
    assert confirm.startswith("http://127.0.0.1:8000/confirm/")
    assert unsubscribe.startswith("http://127.0.0.1:8000/unsubscribe/")
    assert local.get(path(confirm)).status_code == 200
    assert local.post(path(confirm), data={"confirm": "1"}).status_code == 200
    assert statuses(app) == ["counted"]


def test_a_spoofed_host_never_reaches_an_email(make_app, smtp):
    app = make_app(MAIL_URL=smtp.url, PUBLIC_BASE_URL="")
    require_confirmation(app)
    client = app.test_client()
    for n, host in enumerate(("evil.example", "evil.example:8000", "127.0.0.1@evil.example")):
        headers = {"Host": host, "X-Forwarded-Host": "localhost:1"}
        response = client.post(URL, json=signer(email=f"s{n}@example.org"), headers=headers)
        assert response.status_code == 201
    run_worker(app)
    assert len(smtp.messages) == 3
    for message in smtp.messages:
        confirm, unsubscribe = _links(message)
        assert confirm.startswith("http://localhost/confirm/")
        assert unsubscribe.startswith("http://localhost/unsubscribe/")


def test_public_base_url_wins_and_trusted_proxies_may_name_the_address(make_app, smtp):
    app = make_app(MAIL_URL=smtp.url, PUBLIC_BASE_URL="", TRUSTED_PROXY_HOPS=1)
    require_confirmation(app)
    proxied = {"X-Forwarded-Host": "localhost:8443", "X-Forwarded-Proto": "https"}
    app.test_client().post(URL, json=signer(), headers=proxied)
    run_worker(app)
    assert _links(smtp.messages[0])[1].startswith("https://localhost:8443/unsubscribe/")

    app.config["PUBLIC_BASE_URL"] = "https://sign.example.org"
    app.test_client().post(
        URL, json=signer(email="b@example.org"), base_url="http://127.0.0.1:8000"
    )
    run_worker(app)
    confirm, unsubscribe = _links(smtp.messages[1])
    assert confirm.startswith("https://sign.example.org/confirm/")
    assert unsubscribe.startswith("https://sign.example.org/unsubscribe/")
