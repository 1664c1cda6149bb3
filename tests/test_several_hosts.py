"""Several hosts on one database and one rate-limit store: one key, one limit, one count.

Each "host" is a gunicorn master with its own instance folder. On PostgreSQL + Redis (CI's
second run) they share what production hosts share; on SQLite they share the database file,
and with ``memory://`` limits each master counts for itself (the single-process default).
"""

import json
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import select

from campaign import create_app
from campaign.config import ConfigurationError
from campaign.extensions import db
from campaign.models import Signature
from tests.conftest import ON_REDIS, RATELIMIT_URI

ROOT = Path(__file__).resolve().parent.parent
PETITION = "release-the-prisoners"


def test_a_server_database_without_secret_key_refuses_to_start(monkeypatch, tmp_path):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path / "instance"))
    monkeypatch.setenv("DATABASE_URL", "postgresql://campaign@db.internal:5432/campaign")
    with pytest.raises(ConfigurationError, match="SECRET_KEY is not set.*same random value"):
        create_app()
    # Nothing was generated that a second host could not know.
    assert not (tmp_path / "instance" / "secret_key").exists()


def test_sqlite_still_generates_its_key_in_the_instance_folder(monkeypatch, tmp_path):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path / "instance"))
    app = create_app()
    assert app.config["SECRET_KEY"] == (tmp_path / "instance" / "secret_key").read_text()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def request(port, path, body=None, headers=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}", data=data, method="POST" if data else "GET"
    )
    req.add_header("Content-Type", "application/json")
    for name, value in (headers or {}).items():
        req.add_header(name, value)
    try:
        with urllib.request.urlopen(req, timeout=10) as response:  # noqa: S310 - local test server
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


@contextmanager
def host(env: dict, log: Path):
    """A gunicorn master with the project's gunicorn.conf.py, answering on a free port."""
    port = _free_port()
    with log.open("wb") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "gunicorn.conf.py"), "wsgi:app"],
            cwd=ROOT,
            env={**env, "BIND": f"127.0.0.1:{port}"},
            stdout=subprocess.DEVNULL,
            stderr=out,
        )
        try:
            deadline = time.monotonic() + 30
            while True:
                try:
                    if request(port, "/healthz")[0] == 200:
                        break
                except OSError:
                    if server.poll() is not None or time.monotonic() > deadline:
                        pytest.fail("gunicorn did not start: " + log.read_text()[-2000:])
                    time.sleep(0.2)
            yield port
        finally:
            server.terminate()
            server.wait(timeout=30)


def test_two_hosts_share_one_key_one_limit_and_one_count(make_app, database_url, tmp_path):
    app = make_app()  # seeds the database both hosts use
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "RATELIMIT_STORAGE_URI": RATELIMIT_URI,
        "SECRET_KEY": secrets.token_hex(32),
        "SIGNATURE_RATE_LIMIT": "3/minute",
        "TRUSTED_PROXY_HOPS": "1",
        "TALLY_CACHE_SECONDS": "0",
        "WEB_CONCURRENCY": "1",
        "LOG_LEVEL": "WARNING",
    }
    hosts = [{**env, "INSTANCE_PATH": str(tmp_path / name)} for name in ("a", "b")]
    created = subprocess.run(
        [
            sys.executable,
            "-m",
            "flask",
            "--app",
            "wsgi",
            "tokens",
            "create",
            "sync",
            "--scopes",
            "read",
        ],
        cwd=ROOT,
        env=hosts[0],
        capture_output=True,
        text=True,
        check=True,
    )
    token = created.stdout.strip().splitlines()[-1]
    # A client address of this run only, so that runs sharing one Redis never meet.
    client = {
        "X-Forwarded-For": f"2001:db8:{secrets.randbelow(65536):x}:{os.getpid() % 65536:x}::1"
    }
    with host(hosts[0], tmp_path / "a.log") as a, host(hosts[1], tmp_path / "b.log") as b:
        codes = [
            request(
                port,
                f"/api/v1/petitions/{PETITION}/signatures",
                {"given_name": "Tester", "email": f"host{n}@example.org"},
                client,
            )[0]
            for n, port in enumerate([a, b] * 4)
        ]
        # One limit with Redis; memory:// counts per process, so each host allows three.
        allowed = 3 if ON_REDIS else 6
        assert sorted(codes) == [201] * allowed + [429] * (8 - allowed)
        tallies = [request(port, f"/api/v1/petitions/{PETITION}/tally")[1] for port in (a, b)]
        assert [t["signature_count"] for t in tallies] == [allowed, allowed]
        bearer = {"Authorization": f"Bearer {token}"}
        for port in (a, b):
            status, page = request(port, f"/api/v1/petitions/{PETITION}/signatures", headers=bearer)
            assert status == 200
            assert len(page["data"]) == allowed
    with app.app_context():
        # One key: the client's address hashes the same on both hosts.
        assert len(set(db.session.scalars(select(Signature.ip_hash)))) == 1
