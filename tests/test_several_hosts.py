"""Several hosts on one database and one rate-limit store: one key, one limit, one count.

Each "host" is a gunicorn master with its own instance folder. On PostgreSQL + Redis (CI's
second run) they share what production hosts share; on SQLite they share the database file,
and with ``memory://`` limits each master counts for itself (the single-process default).
"""

import os
import secrets
import subprocess
import sys

import pytest
from sqlalchemy import select

from campaign import create_app
from campaign.config import ConfigurationError
from campaign.models import Signature
from campaign.models.base import db
from tests.conftest import ON_REDIS, RATELIMIT_URI
from tests.servers import ROOT, gunicorn, request

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
    with gunicorn(hosts[0], tmp_path / "a.log") as a, gunicorn(hosts[1], tmp_path / "b.log") as b:
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
