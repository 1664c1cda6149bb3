"""Benchmark helpers: a throwaway PostgreSQL database, migrated and seeded, and free ports.

The server is named by BENCH_DATABASE_URL (default: the local trust-auth server the tests
use); the database itself is created for the run and dropped after it.
"""

import contextlib
import os
import socket
import subprocess
import sys
import uuid
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
SERVER_URL = os.environ.get("BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
FLASK = [sys.executable, "-m", "flask", "--app", "wsgi"]


def _admin(statement: str) -> None:
    url = make_url(SERVER_URL).set(drivername="postgresql+psycopg")
    engine = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(sa.text(statement))
    engine.dispose()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def flask(env: dict, *args: str, quiet: bool = True) -> None:
    out = subprocess.DEVNULL if quiet else None
    subprocess.run([*FLASK, *args], cwd=ROOT, env=env, check=True, stdout=out)


@contextlib.contextmanager
def database(prefix: str):
    """Yield an environment whose DATABASE_URL names a fresh, migrated, seeded database."""
    name = f"{prefix}_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    _admin(f'CREATE DATABASE "{name}"')
    url = make_url(SERVER_URL).set(database=name).render_as_string(hide_password=False)
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "SECRET_KEY": "bench",
        "LOG_LEVEL": "WARNING",
        "RATELIMIT_STORAGE_URI": "memory://",
    }
    try:
        flask(env, "db", "upgrade")
        flask(env, "seed")
        yield env
    finally:
        _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
