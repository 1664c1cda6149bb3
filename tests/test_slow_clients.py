"""Slow clients behind the shipped nginx configuration do not stop the server for others.

gunicorn (the project's gunicorn.conf.py: 2 workers x 4 threads here) behind nginx running
deploy/nginx.conf as written, only its two ports changed to free local ones. 100
connections from one address each send part of a request's headers and then nothing; while
they are open, /healthz and a signature from the same address answer at once.
"""

import os
import re
import socket
import time
from contextlib import ExitStack

from tests.conftest import RATELIMIT_URI
from tests.servers import ROOT, gunicorn, nginx, request

PETITION = "release-the-prisoners"
SLOW_CLIENTS = 100
PROMPT_SECONDS = 2.0


def shipped_site(app_port: int) -> str:
    site = (ROOT / "deploy" / "nginx.conf").read_text()
    assert "server 127.0.0.1:8000;" in site and "listen 80;" in site
    site = site.replace("server 127.0.0.1:8000;", f"server 127.0.0.1:{app_port};")
    # Only the loopback interface, on the port the helper picked.
    site = re.sub(r"listen \[::\][^;]*;", "", site)
    return site.replace("listen 80;", "listen 127.0.0.1:{port};")


def slow_client(port: int) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", port), timeout=5)
    sock.sendall(
        f"POST /api/v1/petitions/{PETITION}/signatures HTTP/1.1\r\n"
        "Host: campaign.example\r\nContent-Type: application/json\r\nX-Slow: ".encode()
    )
    return sock


def timed(call):
    started = time.monotonic()
    result = call()
    return result, time.monotonic() - started


def test_slow_header_connections_do_not_stop_health_or_signing(make_app, database_url, tmp_path):
    make_app()  # seeds the database the server uses
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "RATELIMIT_STORAGE_URI": RATELIMIT_URI,
        "SECRET_KEY": "test-secret",
        "INSTANCE_PATH": str(tmp_path / "instance"),
        "TRUSTED_PROXY_HOPS": "1",
        "WEB_CONCURRENCY": "2",
        "GUNICORN_THREADS": "4",
        "LOG_LEVEL": "WARNING",
    }
    with (
        gunicorn(env, tmp_path / "gunicorn.log") as app_port,
        nginx(shipped_site(app_port), tmp_path) as port,
        ExitStack() as slow,
    ):
        for _ in range(SLOW_CLIENTS):
            slow.enter_context(slow_client(port))
        (health, _), health_took = timed(lambda: request(port, "/healthz", timeout=10))
        body = {"given_name": "Tester", "email": "prompt@example.org"}
        path = f"/api/v1/petitions/{PETITION}/signatures"
        (signed, receipt), sign_took = timed(lambda: request(port, path, body, timeout=10))
        assert health == 200
        assert signed == 201
        assert receipt["petition"] == PETITION
        assert health_took < PROMPT_SECONDS and sign_took < PROMPT_SECONDS
