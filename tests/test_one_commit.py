"""One place commits per request: services never commit; a write request's transaction is
committed once its view answers below 400 and rolled back otherwise; a read never commits."""

import ast
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import OperationalError

from campaign.models import IdempotencyKey, Signature, Webhook
from campaign.models.base import db
from campaign.services import webhooks
from campaign.services.errors import Conflict
from tests.support import bearer, signer

ROOT = Path(__file__).resolve().parent.parent
HOOK_URL = "https://hooks.example.org/campaign"
SIGN = "/api/v1/petitions/release-the-prisoners/signatures"


def commit_calls(folder: str) -> dict[str, list[int]]:
    """The lines calling ``.commit(`` in each module under ``folder``."""
    found = {}
    for path in sorted((ROOT / folder).rglob("*.py")):
        lines = [
            node.lineno
            for node in ast.walk(ast.parse(path.read_text(), str(path)))
            if isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "commit"
        ]
        if lines:
            found[str(path.relative_to(ROOT))] = lines
    return found


def test_no_service_commits():
    assert commit_calls("campaign/services") == {}


def test_the_web_layer_commits_in_one_place():
    found = {**commit_calls("campaign/api"), **commit_calls("campaign/site")}
    assert list(found) == ["campaign/api/transaction.py"]


def rows(database_url: str, model) -> int:
    """How many rows of ``model`` a connection of its own sees: only what was committed."""
    engine = sa.create_engine(database_url)
    try:
        with engine.connect() as conn:
            return conn.scalar(sa.select(sa.func.count()).select_from(model.__table__))
    finally:
        engine.dispose()


@pytest.fixture
def app(make_app):
    """The app with test views that write through a service, then answer as told."""
    app = make_app(WEBHOOKS_ALLOW_HTTP=True)

    def write_then(status: int):
        webhooks.create(HOOK_URL, ["signup.created"])
        return {"written": True}, status

    def write_then_refuse():
        webhooks.create(HOOK_URL, ["signup.created"])
        raise Conflict("Refused after writing.", slug="conflict")

    app.add_url_rule("/test/write/<int:status>", "write_then", write_then, methods=["POST", "GET"])
    app.add_url_rule("/test/refuse", "write_then_refuse", write_then_refuse, methods=["POST"])
    return app


@pytest.mark.parametrize("status", [200, 201, 204, 303])
def test_a_write_that_succeeds_is_committed_before_it_answers(app, client, database_url, status):
    assert client.post(f"/test/write/{status}").status_code == status
    assert rows(database_url, Webhook) == 1


@pytest.mark.parametrize("status", [400, 404, 409, 422, 500])
def test_a_write_that_answers_an_error_stores_nothing_it_wrote(app, client, database_url, status):
    assert client.post(f"/test/write/{status}").status_code == status
    assert rows(database_url, Webhook) == 0


def test_a_write_whose_view_raises_stores_nothing_it_wrote(app, client, database_url):
    assert client.post("/test/refuse").status_code == 409
    assert rows(database_url, Webhook) == 0


def test_a_read_never_commits(app, client, database_url):
    assert client.get("/test/write/200").status_code == 200
    assert rows(database_url, Webhook) == 0


def test_a_commit_that_fails_answers_503_not_a_success(app, client, database_url, monkeypatch):
    def fail() -> None:
        raise OperationalError("COMMIT", None, Exception("gone"), connection_invalidated=True)

    monkeypatch.setattr(db.session, "commit", fail)
    response = client.post("/test/write/201")
    assert response.status_code == 503
    assert response.headers["Retry-After"]
    monkeypatch.undo()
    assert rows(database_url, Webhook) == 0


def test_api_writes_are_visible_to_another_connection_once_answered(app, client, database_url):
    """Through the real views: a webhook (organizer write) and a signature with an
    Idempotency-Key (the statement, its counters and the key in one transaction)."""
    headers = bearer(app, "manage")
    created = client.post(
        "/api/v1/webhooks", json={"url": HOOK_URL, "events": ["signup.created"]}, headers=headers
    )
    assert created.status_code == 201
    assert isinstance(created.get_json()["id"], int)
    assert rows(database_url, Webhook) == 1
    signed = client.post(SIGN, json=signer(), headers={"Idempotency-Key": "k-1"})
    assert signed.status_code == 201
    assert rows(database_url, IdempotencyKey) == 1
    assert rows(database_url, Signature) == 1
    again = client.post(SIGN, json=signer(), headers={"Idempotency-Key": "k-1"})
    assert again.headers["Idempotent-Replayed"] == "true"
