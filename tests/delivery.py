"""Real receivers for tests: a local SMTP server (aiosmtpd) and a local HTTP endpoint."""

import json
import socket
import threading
import time
import uuid
from email import message_from_bytes, policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from aiosmtpd.controller import Controller

from campaign.models.base import db
from campaign.services import tokens


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Mailbox:
    """What the SMTP server received, parsed."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"


@pytest.fixture
def smtp():
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    mailbox.url = f"smtp://127.0.0.1:{controller.port}"
    yield mailbox
    controller.stop()


class Receiver:
    """An HTTP endpoint recording each POST; ``statuses`` answers in turn, then 200."""

    def __init__(self):
        self.requests = []
        self.statuses = []
        self.delay_on = set()
        self.delay = 0.0
        self.lock = threading.Lock()

    def keys(self) -> list[str]:
        return [r["headers"]["Idempotency-Key"] for r in self.requests]


@pytest.fixture
def receiver():
    state = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 - http.server's name
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            with state.lock:
                state.requests.append({"headers": dict(self.headers), "body": body})
                number = len(state.requests)
                status = state.statuses.pop(0) if state.statuses else 200
            if number in state.delay_on:
                time.sleep(state.delay)
            self.send_response(status)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"{}")

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}/hook"
    yield state
    server.shutdown()
    server.server_close()


def organizer_token(app, scopes=("read", "export", "manage")) -> dict:
    with app.app_context():
        _token, secret = tokens.create(f"organizer-{uuid.uuid4().hex[:8]}", list(scopes))
        db.session.remove()
    return {"Authorization": f"Bearer {secret}"}


def run_worker(app) -> str:
    result = app.test_cli_runner().invoke(args=["worker", "--once"])
    assert result.exit_code == 0, result.output
    return result.output


def body(data: bytes) -> dict:
    return json.loads(data)
