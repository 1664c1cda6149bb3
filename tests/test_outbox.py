"""The outbox and its worker: mail through a real SMTP server, retries, and a killed worker."""

import logging
import os
import signal
import subprocess
import sys
import time
from datetime import timedelta

from sqlalchemy import select

from campaign.commands.worker import claim
from campaign.models import OutboxItem
from campaign.models.base import db
from campaign.models.outbox import OUTBOX_KINDS
from campaign.models.types import utcnow
from campaign.services import delivery, outbox, webhooks
from tests.delivery import body, run_worker
from tests.support import ALL_DEMANDS, ago, require_confirmation, set_rows, signer

PETITION = ALL_DEMANDS
URL = f"/api/v1/petitions/{PETITION}/signatures"


def items(app) -> list[OutboxItem]:
    with app.app_context():
        rows = list(db.session.scalars(select(OutboxItem).order_by(OutboxItem.id)))
        db.session.expunge_all()
        return rows


def test_a_confirmation_email_arrives_by_smtp_with_one_click_unsubscribe(make_app, smtp):
    app = make_app(MAIL_URL=smtp.url, PUBLIC_BASE_URL="https://sign.example.org")
    require_confirmation(app)
    assert app.test_client().post(URL, json=signer()).status_code == 201
    # Nothing is sent inside the request: the email waits in the outbox.
    assert smtp.messages == []
    [item] = items(app)
    assert (item.kind, item.status) == ("confirmation", "pending")

    assert "delivered 1" in run_worker(app)
    [message] = smtp.messages
    assert message["To"] == "anahit@example.org"
    assert message["Subject"].startswith("Confirm your signature")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message["List-Unsubscribe"].startswith("<https://sign.example.org/unsubscribe/")
    assert item.idempotency_key in message["Message-ID"]
    assert "https://sign.example.org/confirm/" in message.get_content()
    [item] = items(app)
    assert (item.status, item.attempts) == ("delivered", 1)
    # Nothing is due any more: a second run sends nothing.
    run_worker(app)
    assert len(smtp.messages) == 1


def test_without_mail_url_the_email_is_written_to_the_log(make_app, caplog):
    app = make_app(MAIL_URL="")
    require_confirmation(app)
    app.test_client().post(URL, json=signer())
    with caplog.at_level(logging.INFO, logger="campaign.services.mailer"):
        run_worker(app)
    logged = [r.getMessage() for r in caplog.records if r.name == "campaign.services.mailer"]
    # A redacted line: no recipient, name or live link (DEVELOPMENT_MAIL_LOG prints those).
    assert len(logged) == 1 and "withheld" in logged[0]
    assert "/confirm/" not in logged[0] and "anahit" not in logged[0].lower()
    assert items(app)[0].status == "delivered"


def test_an_unreachable_server_is_retried_with_backoff_then_marked_failed(make_app, smtp):
    dead = smtp.url.rsplit(":", 1)[0] + ":1"
    app = make_app(MAIL_URL=dead, OUTBOX_MAX_ATTEMPTS=3, OUTBOX_BACKOFF_SECONDS=60)
    require_confirmation(app)
    app.test_client().post(URL, json=signer())
    started = utcnow()
    run_worker(app)
    [item] = items(app)
    assert (item.status, item.attempts) == ("pending", 1)
    assert "SMTP" in item.last_error
    # Backoff: about a minute (with jitter), and a second run before then sends nothing.
    assert timedelta(seconds=45) < item.next_attempt_at - started < timedelta(seconds=75)
    run_worker(app)
    assert items(app)[0].attempts == 1

    set_rows(app, OutboxItem, next_attempt_at=utcnow())
    run_worker(app)
    item = items(app)[0]
    assert (item.attempts, item.status) == (2, "pending")
    assert item.next_attempt_at - utcnow() > timedelta(seconds=90)  # doubled
    set_rows(app, OutboxItem, next_attempt_at=utcnow())
    run_worker(app)
    assert (items(app)[0].status, items(app)[0].attempts) == ("failed", 3)
    # The server comes back; the same outbox, now working, delivers what is still pending.
    app2 = make_app(MAIL_URL=smtp.url)
    app2.test_client().post(URL, json=signer(email="second@example.org"))
    run_worker(app2)
    assert [m["To"] for m in smtp.messages] == ["second@example.org"]


def test_a_claimed_item_is_not_taken_by_another_worker_until_its_lease_runs_out(make_app):
    app = make_app(OUTBOX_LEASE_SECONDS=60)
    with app.app_context():
        outbox.enqueue("webhook", {"event": "x", "body": {}})
        db.session.commit()
        [first] = [item.id for item in claim("worker-a", 10)]
        assert claim("worker-b", 10) == []
    # worker-a dies; once its lease has run out the item is claimed again.
    set_rows(app, OutboxItem, claimed_until=ago(seconds=1))
    with app.app_context():
        assert [i.id for i in claim("worker-b", 10)] == [first]


def _worker_env(database_url: str, tmp_path) -> dict:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=database_url,
        SECRET_KEY="test-secret",
        INSTANCE_PATH=str(tmp_path / "instance"),
        WEBHOOKS_ALLOW_HTTP="1",
        OUTBOX_LEASE_SECONDS="600",
        OUTBOX_BATCH="5",
        LOG_LEVEL="WARNING",
    )
    return env


def test_a_worker_killed_mid_batch_delivers_nothing_twice_and_drops_nothing(
    make_app, database_url, receiver, tmp_path
):
    app = make_app(WEBHOOKS_ALLOW_HTTP=True)
    with app.app_context():
        webhooks.create(receiver.url, ["signup.created"])
        db.session.commit()
    client = app.test_client()
    total = 12
    for n in range(total):
        response = client.post(
            "/api/v1/campaigns/nagorno-karabakh-political-prisoners/signups",
            json=signer(email=f"person{n}@example.org"),
        )
        assert response.status_code == 201
    queued = {item.idempotency_key for item in items(app)}
    assert len(queued) == total

    # The 3rd request hangs in the receiver, and the worker is killed while it waits.
    receiver.delay_on = {3}
    receiver.delay = 3.0
    env = _worker_env(database_url, tmp_path)
    command = [sys.executable, "-m", "flask", "--app", "wsgi", "worker"]
    worker = subprocess.Popen(command, env=env, cwd=os.getcwd())  # noqa: S603
    deadline = time.monotonic() + 30
    while len(receiver.requests) < 3 and time.monotonic() < deadline:
        time.sleep(0.02)
    assert len(receiver.requests) == 3
    os.kill(worker.pid, signal.SIGKILL)
    worker.wait(timeout=10)
    with app.app_context():
        acknowledged = set(
            db.session.scalars(
                select(OutboxItem.idempotency_key).where(OutboxItem.status == "delivered")
            )
        )
    assert len(acknowledged) == 2

    # A new worker picks up the rest once the dead worker's lease has run out: the clock on
    # the dead worker's claims is set back instead of waiting the lease out.
    expired = ago(seconds=1)
    leased = set_rows(app, OutboxItem, OutboxItem.claimed_until > expired, claimed_until=expired)
    assert leased == 3  # the batch of five, less the two delivered
    restarted = subprocess.run(  # noqa: S603
        [*command, "--once"], env=env, cwd=os.getcwd(), timeout=60, capture_output=True
    )
    assert restarted.returncode == 0, restarted.stderr
    received = receiver.keys()
    # Nothing acknowledged was sent again, nothing was dropped: by idempotency key each item
    # arrived once, and only the one in flight at the kill arrived a second time.
    assert set(received) == queued
    repeats = [key for key in queued if received.count(key) > 1]
    assert len(repeats) <= 1 and not (set(repeats) & acknowledged)
    assert all(item.status == "delivered" for item in items(app))
    assert sorted(body(r["body"])["data"]["person"]["email"] for r in receiver.requests[:2]) == [
        "person0@example.org",
        "person1@example.org",
    ]


def test_an_app_knows_every_kind_of_message_it_queues(app):
    # Each kind's module registers its sender when imported; the app imports them all, so a
    # worker started from it can send whatever the requests queued.
    assert set(delivery.KINDS) == set(OUTBOX_KINDS) == {"confirmation", "letter", "webhook"}
