"""Logs of a whole flow hold no client address, email, name or live token, in either format,
and a path cannot forge a line of a text log."""

import io
import logging
import os
import re
import socket
import time

import pytest

from campaign.logs import JsonFormatter, TextFormatter, escape_controls
from campaign.models import ConfirmationToken, Signature
from campaign.models.base import db
from campaign.models.types import utcnow
from campaign.services import confirmation, links
from tests.delivery import run_worker
from tests.servers import gunicorn
from tests.support import ALL_DEMANDS, require_confirmation

PETITION = ALL_DEMANDS
URL = f"/api/v1/petitions/{PETITION}/signatures"

ADDRESS = "198.51.100.77"
EMAIL = "zabelle.secret@example.org"
NAME = "Zabelle"
FAMILY = "Yesayan"
TOKEN = "live-confirmation-token-0123456789abcdefghijklmn"


class Capture(logging.Handler):
    """Every record formatted both ways, as an operator's log would hold it."""

    def __init__(self):
        super().__init__(logging.DEBUG)
        self.json, self.text = io.StringIO(), io.StringIO()
        self.formatters = ((JsonFormatter(), self.json), (TextFormatter(), self.text))

    def emit(self, record):
        for formatter, stream in self.formatters:
            stream.write(formatter.format(record) + "\n")


@pytest.fixture
def captured():
    handler = Capture()
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    yield handler
    root.removeHandler(handler)
    root.setLevel(old_level)


def test_a_full_flow_logs_nothing_personal(make_app, captured):
    app = make_app(
        MAIL_URL="", SIGNATURE_RATE_LIMIT="2/minute", PUBLIC_BASE_URL="https://s.example"
    )
    require_confirmation(app)
    client = app.test_client()
    environ = {"REMOTE_ADDR": ADDRESS}
    body = {"given_name": NAME, "family_name": FAMILY, "email": EMAIL, "consent": True}
    statuses = [client.post(URL, json=body, environ_base=environ).status_code for _ in range(3)]
    assert statuses == [201, 201, 429]
    run_worker(app)  # the confirmation email, with MAIL_URL empty
    with app.app_context():
        signature_id = db.session.query(Signature.id).scalar()
        db.session.add(
            ConfirmationToken(
                token_hash=confirmation.token_hash(TOKEN),
                signature_id=signature_id,
                created_at=utcnow(),
                expires_at=utcnow().replace(year=utcnow().year + 1),
            )
        )
        db.session.commit()
        unsubscribe = "/" + links.unsubscribe_url(1).split("/", 3)[3]
    assert client.get(f"/confirm/{TOKEN}", environ_base=environ).status_code == 200
    assert client.post(f"/confirm/{TOKEN}", environ_base=environ).status_code == 200
    assert client.get(unsubscribe, environ_base=environ).status_code == 200
    assert client.get(f"/api/v1/petitions/{PETITION}/tally", environ_base=environ).status_code

    logs = captured.json.getvalue() + captured.text.getvalue()
    assert "mail not sent" in logs  # the worker did log, redacted
    for secret in (
        ADDRESS,
        EMAIL,
        NAME,
        FAMILY,
        TOKEN,
        unsubscribe.rsplit("/", 1)[1],
        "/confirm/l",
    ):
        assert secret not in logs, secret


def test_whole_messages_only_under_the_development_setting(make_app, captured):
    app = make_app(MAIL_URL="", DEVELOPMENT_MAIL_LOG=True)
    require_confirmation(app)
    body = {"given_name": NAME, "email": EMAIL}
    assert app.test_client().post(URL, json=body).status_code == 201
    run_worker(app)
    logs = captured.json.getvalue()
    assert "DEVELOPMENT_MAIL_LOG" in logs and EMAIL in logs and "/confirm/" in logs


def test_a_path_cannot_forge_a_text_log_line(make_app, captured):
    app = make_app()
    client = app.test_client()
    forged = "2026-01-01 00:00:00,000 INFO campaign.access: POST /api/v1/people/erase 200"
    for path in (
        "/x%0a" + forged.replace(" ", "%20"),
        "/x%0d%0a" + forged.replace(" ", "%20"),
        "/x%e2%80%a8" + forged.replace(" ", "%20"),
        "/x%1b[2J",
    ):
        client.get(path)
    lines = captured.text.getvalue().splitlines()
    assert lines and not [line for line in lines if line.startswith("2026-01-01")]
    assert not any("\x1b" in line for line in lines)
    assert all(re.match(r"\d{4}-\d{2}-\d{2} ", line) for line in lines), lines


def test_escape_controls_keeps_text_on_one_line():
    assert escape_controls("a\nb\rc\x1bd\u2028e") == "a\\nb\\rc\\x1bd\\u2028e"
    assert escape_controls("Անահիտ 🌻") == "Անահիտ 🌻"


def test_gunicorns_own_warnings_withhold_the_client_address(make_app, database_url, tmp_path):
    make_app()  # seeds the database the server uses
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "SECRET_KEY": "test-secret",
        "INSTANCE_PATH": str(tmp_path / "instance"),
        "WEB_CONCURRENCY": "1",
        "LOG_LEVEL": "WARNING",
    }
    log = tmp_path / "gunicorn.log"
    with gunicorn(env, log) as port:
        # A request line over gunicorn's limit: gunicorn refuses it before the app runs.
        with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
            sock.sendall(b"GET /" + b"a" * 9000 + b" HTTP/1.1\r\nHost: x\r\n\r\n")
            assert sock.recv(100).startswith(b"HTTP/1.1 414")
        deadline = time.monotonic() + 5
        while "Invalid request" not in log.read_text() and time.monotonic() < deadline:
            time.sleep(0.1)
    written = log.read_text()
    assert "Invalid request from ip=[withheld]" in written
    assert "127.0.0.1" not in written
