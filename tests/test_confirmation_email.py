"""The confirmation email carries no free text but a plain name, and is bounded per inbox,
however many workers hold emails to it."""

import threading
import time

import pytest
import sqlalchemy as sa
from sqlalchemy import select, update

from campaign.commands import worker
from campaign.models import OutboxItem, Petition, Signature
from campaign.models.base import db
from campaign.services import outbox_worker
from campaign.services.confirmation import greeting
from tests.conftest import ON_POSTGRES
from tests.delivery import run_worker
from tests.support import ALL_DEMANDS, ago, bearer, require_confirmation, set_rows, signer

URL = f"/api/v1/petitions/{ALL_DEMANDS}/signatures"

PHISH = "friend. URGENT: log in at https://phish.example/verify"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Anahit", "Hello Anahit,"),
        ("Անահիտ", "Hello Անահիտ,"),
        ("Mary-Jane O'Neil", "Hello Mary-Jane O'Neil,"),
        ("José María", "Hello José María,"),
        (PHISH, "Hello,"),
        ("Anahit 2", "Hello,"),
        ("a.b", "Hello,"),
        ("Call now to win big prizes", "Hello,"),
        ("A" * 41, "Hello,"),
        ("", "Hello,"),
        ("--", "Hello,"),
    ],
)
def test_only_a_plain_name_is_greeted(name, expected):
    assert greeting(name) == expected


def test_typed_free_text_never_reaches_the_email(make_app, smtp):
    app = make_app(MAIL_URL=smtp.url, PUBLIC_BASE_URL="https://sign.example.org")
    require_confirmation(app)
    assert app.test_client().post(URL, json=signer(given_name=PHISH)).status_code == 201
    with app.app_context():
        # What the signer typed is kept on the signature.
        db.session.execute(update(Signature).values(given_name=PHISH))
        db.session.commit()
    run_worker(app)
    [message] = smtp.messages
    text = message.get_content()
    assert text.splitlines()[0] == "Hello,"
    assert "phish" not in text and "URGENT" not in text
    assert "phish" not in message["Subject"]


def test_at_most_the_daily_number_of_confirmations_per_inbox(make_app, smtp):
    app = make_app(MAIL_URL=smtp.url, PUBLIC_BASE_URL="https://sign.example.org")
    set_rows(app, Petition, requires_confirmation=True)
    with app.app_context():
        slugs = list(db.session.scalars(select(Petition.slug).order_by(Petition.id)))
    assert len(slugs) >= 4
    client = app.test_client()
    # One inbox, spelt four ways, signed onto four petitions.
    spellings = ["victim@gmail.com", "Victim@gmail.com", "vic.tim@gmail.com", "victim+x@gmail.com"]
    for slug, email in zip(slugs, spellings, strict=False):
        response = client.post(f"/api/v1/petitions/{slug}/signatures", json=signer(email=email))
        assert response.status_code == 201
    assert "delivered 3" in run_worker(app)
    assert len(smtp.messages) == 3
    # The fourth is settled as skipped: nothing went out, so it names no delivery time.
    assert _statuses(app) == [
        ("delivered", True),
        ("delivered", True),
        ("delivered", True),
        ("skipped", False),
    ]
    # Another inbox is not held back by that one.
    client.post(f"/api/v1/petitions/{slugs[0]}/signatures", json=signer(email="other@example.org"))
    run_worker(app)
    assert len(smtp.messages) == 4


def _statuses(app) -> list[tuple[str, bool]]:
    """Each outbox item's status and whether it has a delivery time, oldest first."""
    with app.app_context():
        rows = db.session.execute(
            select(OutboxItem.status, OutboxItem.delivered_at).order_by(OutboxItem.id)
        )
        return [(status, delivered_at is not None) for status, delivered_at in rows]


def _two_pending_emails_to_one_inbox(make_app, smtp, **config):
    """An app whose first two petitions require confirmation, each signed by one inbox."""
    app = make_app(MAIL_URL=smtp.url, PUBLIC_BASE_URL="https://sign.example.org", **config)
    set_rows(app, Petition, requires_confirmation=True)
    with app.app_context():
        slugs = list(db.session.scalars(select(Petition.slug).order_by(Petition.id)))[:2]
    for slug in slugs:
        response = app.test_client().post(
            f"/api/v1/petitions/{slug}/signatures", json=signer(email="victim@gmail.com")
        )
        assert response.status_code == 201
    return app


def test_two_workers_with_emails_to_one_inbox_send_no_more_than_the_cap(make_app, smtp):
    app = _two_pending_emails_to_one_inbox(make_app, smtp, CONFIRMATION_MAX_PER_DAY=1)
    with app.app_context():
        [first] = worker.claim("worker-a", 1)
        [second] = worker.claim("worker-b", 1)
        # Worker A stores its token and is still sending when worker B takes up its own.
        claimed = outbox_worker.claimed(first)
        send, stored = outbox_worker.prepare(first)
        assert stored
        db.session.commit()
        # Over the cap: settled without sending.
        assert not worker.deliver(second)
        send()
        outbox_worker.succeeded(claimed, None)
        db.session.commit()
    assert len(smtp.messages) == 1
    assert _statuses(app) == [("delivered", True), ("skipped", False)]


def test_an_email_no_longer_needed_does_not_count_toward_the_cap(make_app, smtp):
    app = _two_pending_emails_to_one_inbox(make_app, smtp, CONFIRMATION_MAX_PER_DAY=1)
    with app.app_context():
        first = db.session.scalar(select(Signature.id).order_by(Signature.id))
    # The first signature no longer waits for its email (confirmation was turned off and it
    # was counted), so its email is skipped: the second one still goes.
    set_rows(app, Signature, Signature.id == first, status="counted")
    assert "delivered 1" in run_worker(app)
    assert len(smtp.messages) == 1
    assert _statuses(app) == [("skipped", False), ("delivered", True)]
    # The person's data export tells the email that was sent from the one that was not.
    response = app.test_client().get(
        "/api/v1/people/export",
        query_string={"email": "victim@gmail.com"},
        headers=bearer(app, "export"),
    )
    messages = response.get_json()["messages"]
    assert [(m["status"], m["delivered_at"] is not None) for m in messages] == [
        ("skipped", False),
        ("delivered", True),
    ]


def test_an_email_readied_before_its_send_failed_is_not_reported_unsent(make_app, smtp):
    # The first attempt readied the email (its token stored) and then failed, which may be
    # after the server had taken the message; the link was used. The retry finds nothing to
    # send, yet the email may well have arrived: delivered, at the time it was readied.
    app = make_app(MAIL_URL=smtp.url.rsplit(":", 1)[0] + ":1")
    require_confirmation(app)
    assert app.test_client().post(URL, json=signer()).status_code == 201
    run_worker(app)
    with app.app_context():
        readied = db.session.scalar(select(OutboxItem.prepared_at))
    assert readied is not None and _statuses(app) == [("pending", False)]
    set_rows(app, Signature, status="counted")
    set_rows(app, OutboxItem, next_attempt_at=ago(seconds=1))
    assert "delivered 0" in run_worker(app)
    with app.app_context():
        item = db.session.scalars(select(OutboxItem)).one()
        assert (item.status, item.delivered_at) == ("delivered", readied)
    assert smtp.messages == []


def _waiting_on_a_lock(app, seconds: float = 10) -> bool:
    """Whether another session of this database comes to wait on a row lock."""
    # Autocommit: PostgreSQL keeps one snapshot of pg_stat_activity per transaction.
    engine = sa.create_engine(app.config["SQLALCHEMY_DATABASE_URI"], isolation_level="AUTOCOMMIT")
    deadline = time.monotonic() + seconds
    try:
        with engine.connect() as conn:
            while time.monotonic() < deadline:
                waiting = conn.scalar(
                    sa.text(
                        "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                        "AND datname = current_database()"
                    )
                )
                if waiting:
                    return True
                time.sleep(0.02)
        return False
    finally:
        engine.dispose()


@pytest.mark.skipif(
    not ON_POSTGRES,
    reason="row locks are PostgreSQL's; on SQLite each worker transaction holds the database",
)
def test_two_workers_counting_at_once_take_turns(make_app, smtp):
    app = _two_pending_emails_to_one_inbox(make_app, smtp, CONFIRMATION_MAX_PER_DAY=1)
    with app.app_context():
        first_id = worker.claim("worker-a", 1)[0].id
        second_id = worker.claim("worker-b", 1)[0].id

    def worker_b():
        with app.app_context():
            worker.deliver(db.session.get(OutboxItem, second_id))

    with app.app_context():
        # Worker A has counted the inbox's emails and not yet committed its own.
        send, _ = outbox_worker.prepare(db.session.get(OutboxItem, first_id))
        thread = threading.Thread(target=worker_b)
        thread.start()
        # Worker B waits for A's lock on the person rather than counting past it.
        assert _waiting_on_a_lock(app), "worker B counted while worker A was counting"
        db.session.commit()
        thread.join(timeout=30)
        assert not thread.is_alive()
        send()
    assert len(smtp.messages) == 1
