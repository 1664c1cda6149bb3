"""Retention: old pending signatures and old hashed addresses go; counts stay exact."""

from sqlalchemy import func, select

from campaign.models import OutboxItem, Person, Signature, Signup
from campaign.models.base import db
from campaign.services import reconcile
from tests.support import ALL_DEMANDS, ago, bearer, require_confirmation, set_rows, signer

URL = f"/api/v1/petitions/{ALL_DEMANDS}/signatures"

SIGNUPS = "/api/v1/campaigns/nagorno-karabakh-political-prisoners/signups"
TALLY = URL.rsplit("/", 1)[0] + "/tally"


def of_people(model, email_prefix: str):
    """The rows of ``model`` belonging to people whose email starts with ``email_prefix``."""
    return model.person_id.in_(select(Person.id).where(Person.email.startswith(email_prefix)))


def test_purge_removes_old_pending_signatures_and_blanks_old_hashes(make_app):
    app = make_app(PENDING_MAX_AGE_DAYS=30, IP_HASH_MAX_AGE_DAYS=90)
    client = app.test_client()
    address = {"REMOTE_ADDR": "203.0.113.9"}
    client.post(URL, json=signer(email="counted-old@example.org"), environ_base=address)
    client.post(SIGNUPS, json=signer(email="counted-old@example.org"), environ_base=address)
    require_confirmation(app)
    client.post(URL, json=signer(email="pending-old@example.org"), environ_base=address)
    client.post(URL, json=signer(email="pending-new@example.org"), environ_base=address)
    set_rows(app, Signature, of_people(Signature, "counted-old"), created_at=ago(days=100))
    set_rows(app, Signup, of_people(Signup, "counted-old"), created_at=ago(days=100))
    set_rows(app, Signature, of_people(Signature, "pending-old"), created_at=ago(days=31))

    result = app.test_cli_runner().invoke(args=["retention", "purge"])
    assert result.exit_code == 0, result.output
    assert "purged 1 pending signatures" in result.output
    with app.app_context():
        rows = db.session.execute(
            select(Signature.status, Signature.ip_hash).order_by(Signature.id)
        ).all()
        signup_hash = db.session.scalar(select(Signup.ip_hash))
        clean = reconcile.check().clean
    # The old counted signature stays, without its hashed address; the new pending one keeps it.
    assert [(status, bool(h)) for status, h in rows] == [("counted", False), ("pending", True)]
    assert signup_hash == ""
    assert clean
    assert client.get(TALLY).get_json()["signature_count"] == 1
    headers = bearer(app)
    pending = client.get(URL.rsplit("/", 1)[0] + "/confirmation", headers=headers).get_json()
    assert pending["pending_count"] == 1
    # Running it again finds nothing more to do.
    again = app.test_cli_runner().invoke(args=["retention", "purge"])
    assert "purged 0 pending signatures, blanked 0" in again.output


def test_purge_deletes_old_settled_outbox_items_and_keeps_the_rest(app):
    require_confirmation(app)
    client = app.test_client()
    statuses = ("pending", "delivered", "skipped", "failed")
    for status in statuses:
        assert client.post(URL, json=signer(email=f"{status}@example.org")).status_code == 201
    with app.app_context():
        for status, item in zip(
            statuses, db.session.scalars(select(OutboxItem).order_by(OutboxItem.id)), strict=True
        ):
            item.status, item.created_at = status, ago(days=8)
        db.session.commit()
    result = app.test_cli_runner().invoke(args=["retention", "purge"])
    assert "deleted 2 settled messages" in result.output
    with app.app_context():
        left = db.session.scalars(select(OutboxItem.status).order_by(OutboxItem.id)).all()
    # Not yet sent, or given up on and still to be looked at: kept.
    assert left == ["pending", "failed"]


def test_purge_drops_idempotency_keys_past_their_24_hours(app):
    from campaign.models import IdempotencyKey

    client = app.test_client()
    for key in ("old-key", "new-key"):
        response = client.post(
            URL, json=signer(email=f"{key}@example.org"), headers={"Idempotency-Key": key}
        )
        assert response.status_code == 201
    set_rows(app, IdempotencyKey, IdempotencyKey.key == "old-key", created_at=ago(hours=25))
    result = app.test_cli_runner().invoke(args=["retention", "purge"])
    assert "and 1 expired idempotency keys" in result.output
    with app.app_context():
        assert db.session.scalars(select(IdempotencyKey.key)).all() == ["new-key"]


def test_a_purged_signature_id_is_never_given_to_the_next_signer(make_app):
    """SQLite once gave a deleted newest row's id to the next insert, so the next signer's
    confirmation emails were counted together with the purged signature's."""
    app = make_app(PENDING_MAX_AGE_DAYS=30, CONFIRMATION_MAX_EMAILS=3)
    client = app.test_client()
    require_confirmation(app)
    for _ in range(3):  # the old signer used up every confirmation email
        assert client.post(URL, json=signer(email="gone@example.org")).status_code == 201
    set_rows(app, Signature, of_people(Signature, "gone"), created_at=ago(days=31))
    with app.app_context():
        purged = db.session.scalar(select(Signature.id))
    result = app.test_cli_runner().invoke(args=["retention", "purge"])
    assert "purged 1 pending signatures" in result.output

    assert client.post(URL, json=signer(email="next@example.org")).status_code == 201
    with app.app_context():
        fresh = db.session.scalar(select(Signature.id))
        emails = db.session.scalar(
            select(func.count())
            .select_from(OutboxItem)
            .where(OutboxItem.ref == f"signature:{fresh}")
        )
    assert fresh > purged
    assert emails == 1
