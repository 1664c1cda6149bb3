"""Benchmark helpers: a throwaway PostgreSQL database (or SQLite file), migrated and seeded,
and gunicorn on a free port.

The server is named by BENCH_DATABASE_URL (default: the local trust-auth server the tests
use); the database itself is created for the run and dropped after it.
"""

import contextlib
import os
import resource
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import sqlalchemy as sa
from redis.connection import parse_url
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
SERVER_URL = os.environ.get("BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
FLASK = [sys.executable, "-m", "flask", "--app", "wsgi"]
# Benches keep out of Redis database 0, where applications keep their keys.
BENCH_REDIS_DB = 15


def redis_env(url: str) -> dict:
    """The rate-limiter settings for a bench's app: a non-zero database and a run's own prefix."""
    if not parse_url(url).get("db"):
        sys.exit(f"{url} names Redis database 0, where applications keep their keys; use /15")
    return {"RATELIMIT_STORAGE_URI": url, "RATELIMIT_KEY_PREFIX": f"bench-{uuid.uuid4().hex}"}


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


@contextlib.contextmanager
def sqlite_database(prefix: str = "bench"):
    """Yield an environment whose DATABASE_URL names a fresh, migrated, seeded SQLite file."""
    with tempfile.TemporaryDirectory() as scratch:
        env = {
            **os.environ,
            "DATABASE_URL": f"sqlite:///{scratch}/{prefix}.db",
            "SECRET_KEY": "bench",
            "LOG_LEVEL": "WARNING",
            "RATELIMIT_STORAGE_URI": "memory://",
        }
        flask(env, "db", "upgrade")
        flask(env, "seed")
        yield env


@contextlib.contextmanager
def gunicorn(app: str, cwd: Path, env: dict, workers: int, probe: str = "/", threads: int = 1):
    """Serve ``app`` with the project's gunicorn.conf.py on a free port: (base URL, process).

    Sync workers unless ``threads`` says otherwise; the app and bare Flask alike.
    """
    port = free_port()
    env = {
        **env,
        "BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": str(workers),
        "GUNICORN_THREADS": str(threads),
    }
    env["PYTHONPATH"] = str(cwd)
    command = [sys.executable, "-m", "gunicorn", "--config", str(ROOT / "gunicorn.conf.py")]
    command += ["--chdir", str(cwd), app]
    with tempfile.TemporaryFile() as log:
        server = subprocess.Popen(command, env=env, stdout=log, stderr=log, start_new_session=True)
        base = f"http://127.0.0.1:{port}"
        try:
            _wait_until_up(base + probe, server, log)
            yield base, server
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait()


def _wait_until_up(url: str, server: subprocess.Popen, log) -> None:
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(url, timeout=2)  # noqa: S310 - our own server
            return
        except urllib.error.HTTPError:
            return  # any HTTP answer means it is up
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                log.seek(0)
                sys.exit("gunicorn did not start:\n" + log.read().decode(errors="replace"))
            time.sleep(0.2)


def worker_pids(server: subprocess.Popen) -> list[int]:
    """The gunicorn workers (children) of a master process."""
    path = Path(f"/proc/{server.pid}/task/{server.pid}/children")
    return [int(pid) for pid in path.read_text().split()]


KINDS = ("gunicorn", "postgres", "redis", "wrk")


def _kind(name: str, command: str) -> str | None:
    """Which part of the stack a process is, from its /proc name and command line."""
    if "-m gunicorn" in command:
        return "gunicorn"  # the app's or bare Flask's master and workers
    if name.startswith("postgres"):
        return "postgres"  # the server and each session's backend
    if name.startswith("redis-server"):
        return "redis"
    return None


def cpu_seconds() -> dict[str, float]:
    """CPU time (user + system) used so far by the live processes of each kind in KINDS,
    and by this bench's finished children (``wrk``: each run ends before it is read).

    Read around a run, the difference divided by the requests served is each part's CPU
    per request: how the machine is split between Python, PostgreSQL, Redis and wrk.
    """
    ticks = os.sysconf("SC_CLK_TCK")
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    totals = dict.fromkeys(KINDS, 0.0)
    totals["wrk"] = children.ru_utime + children.ru_stime
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue  # ended meanwhile
        kind = _kind(stat[stat.find("(") + 1 : stat.rfind(")")], command)
        if kind:
            fields = stat[stat.rfind(")") + 2 :].split()
            totals[kind] += (int(fields[11]) + int(fields[12])) / ticks
    return totals


def memory_kib(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0
