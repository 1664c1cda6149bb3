"""Real receivers for tests: a local SMTP server (aiosmtpd) and a local HTTP endpoint."""

import json
import socket
import threading
import time
from email import message_from_bytes, policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from aiosmtpd.controller import Controller


class BoundController(Controller):
    """aiosmtpd's controller serving on a socket already bound to a free port (port 0), so
    that no other process can take the port between choosing and binding it."""

    def __init__(self, handler, sock: socket.socket):
        self.sock = sock
        super().__init__(handler, hostname="127.0.0.1", port=sock.getsockname()[1])

    def _create_server(self):
        return self.loop.create_server(self._factory_invoker, sock=self.sock)


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
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    controller = BoundController(mailbox, sock)
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
            try:
                self.send_response(status)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"{}")
            except (BrokenPipeError, ConnectionResetError):
                pass  # a delayed answer the sender has stopped waiting for

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}/hook"
    yield state
    server.shutdown()
    server.server_close()


def run_worker(app) -> str:
    result = app.test_cli_runner().invoke(args=["worker", "--once"])
    assert result.exit_code == 0, result.output
    return result.output


def body(data: bytes) -> dict:
    return json.loads(data)
