"""Signatures per second under gunicorn, against a bare Flask JSON POST app on the same settings.

    python bench/signatures.py [--seconds 10] [--connections 32] [--workers N] [--threads 4]

One run, bounded in time: creates a throwaway PostgreSQL database (``bench_<pid>``; server
from BENCH_DATABASE_URL), migrates and seeds it, starts the app under gunicorn (the project's
gunicorn.conf.py) with the Redis rate limiter active and its limits raised so that nothing is
refused, starts a bare Flask app that parses a JSON POST and answers 201 under the same
gunicorn settings, drives both with wrk posting signatures with unique emails, prints
requests per second, p50 and p99 latency and the ratio, checks that every 201 is a counted
signature, and drops the database. Needs ``wrk`` and a Redis at BENCH_REDIS_URL.
"""

import argparse
import os
import re
import subprocess
import sys
import tempfile
import textwrap
import uuid
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).resolve().parent))
from pgbench_db import ROOT, database, gunicorn  # noqa: E402

REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")
PETITION = "support-the-senators-letter"
PATH = f"/api/v1/petitions/{PETITION}/signatures"
RAISED_LIMIT = "100000000/minute"

BARE_APP = '''
"""A bare Flask app: parse a JSON POST, answer 201 with JSON. The benchmark's yardstick."""
from flask import Flask, request

app = Flask(__name__)


@app.post("/api/v1/petitions/<slug>/signatures")
def sign(slug):
    body = request.get_json()
    return {"petition": slug, "signature_count": len(body), "goal": 0}, 201
'''

# Each wrk thread numbers its own requests, so every email is new to the database.
WRK_SCRIPT = r"""
local counter = 0
local threads = 0
function setup(thread)
  thread:set("id", threads)
  threads = threads + 1
end
function init(args)
  run = args[1]
end
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
function request()
  counter = counter + 1
  local body = string.format(
    '{"given_name":"Անահիտ","family_name":"Bench","email":"bench-%s-%d-%d@example.org",' ..
    '"postal_code":"0010","country":"AM","region":"Yerevan","consent":true,' ..
    '"source":"bench","comment":"Free them."}', run, id, counter)
  return wrk.format(nil, nil, nil, body)
end
"""


def _latency_ms(text: str, label: str) -> float:
    match = re.search(rf"^\s*{label}\s+([\d.]+)(us|ms|s)\s*$", text, re.MULTILINE)
    value, unit = float(match.group(1)), match.group(2)
    return value * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def wrk(
    url: str, script: str, seconds: int, connections: int, threads: int, path: str = PATH
) -> dict:
    run = uuid.uuid4().hex[:8]
    command = [
        "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{seconds}s",
        "--timeout",
        "10s",
        "--latency",
        "-s",
        script,
        url + path,
        "--",
        run,
    ]
    out = subprocess.run(
        command, capture_output=True, text=True, check=True, timeout=seconds + 60
    ).stdout
    total = int(re.search(r"(\d+) requests in", out).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket_errors = re.search(r"Socket errors: (.*)", out)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50": _latency_ms(out, "50%"),
        "p99": _latency_ms(out, "99%"),
        "requests": total,
        "non_2xx": int(errors.group(1)) if errors else 0,
        "socket_errors": socket_errors.group(1) if socket_errors else "none",
    }


def counted(database_url: str) -> tuple[int, int]:
    """Signature rows and the petition's counter, read in one statement (one snapshot)."""
    engine = sa.create_engine(make_url(database_url).set(drivername="postgresql+psycopg"))
    with engine.connect() as conn:
        rows, counter = conn.execute(
            sa.text(
                "SELECT (SELECT count(*) FROM signatures), "
                "(SELECT coalesce(sum(c.count), 0) FROM counters c JOIN petitions p "
                "ON c.subject = 'petition:' || p.id WHERE p.slug = :slug "
                "AND c.dimension = 'total' AND c.key = '')"
            ),
            {"slug": PETITION},
        ).one()
    engine.dispose()
    return int(rows), int(counter)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=int, default=10, help="measured seconds per app")
    parser.add_argument("--warmup", type=int, default=2, help="unmeasured seconds first")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--wrk-threads", type=int, default=2)
    parser.add_argument("--workers", type=int, default=(os.cpu_count() or 1) * 2 + 1)
    parser.add_argument("--threads", type=int, default=4, help="gunicorn threads per worker")
    args = parser.parse_args()

    app_env = {
        **os.environ,
        "SECRET_KEY": "bench",
        "RATELIMIT_STORAGE_URI": REDIS_URL,
        "SIGNATURE_RATE_LIMIT": RAISED_LIMIT,
        "SIGNUP_RATE_LIMIT": RAISED_LIMIT,
        "WIDGET_RATE_LIMIT": RAISED_LIMIT,
        "LOG_LEVEL": os.environ.get("LOG_LEVEL", "WARNING"),
    }
    results = {}
    with tempfile.TemporaryDirectory() as scratch:
        scratch = Path(scratch)
        (scratch / "bare_app.py").write_text(textwrap.dedent(BARE_APP))
        script = scratch / "post.lua"
        script.write_text(WRK_SCRIPT)
        measure = [args.seconds, args.connections, args.wrk_threads]
        serve = {"workers": args.workers, "threads": args.threads}
        with gunicorn("bare_app:app", scratch, app_env, **serve) as (url, _):
            wrk(url, str(script), args.warmup, *measure[1:])
            results["bare Flask JSON POST"] = wrk(url, str(script), *measure)
        with database("bench_signatures") as db_env:
            env = {**app_env, "DATABASE_URL": db_env["DATABASE_URL"]}
            with gunicorn("wsgi:app", ROOT, env, probe="/healthz", **serve) as (url, _):
                wrk(url, str(script), args.warmup, *measure[1:])
                results["signatures (app)"] = wrk(url, str(script), *measure)
            # After gunicorn's graceful stop: every request it accepted has finished.
            rows, counter = counted(db_env["DATABASE_URL"])

    print(
        f"gunicorn: {args.workers} workers x {args.threads} threads; wrk: {args.wrk_threads} "
        f"threads, {args.connections} connections, {args.seconds}s; PostgreSQL + Redis limiter"
    )
    print(f"{'':24}{'req/s':>10}{'p50 ms':>10}{'p99 ms':>10}{'requests':>10}{'non-2xx':>9}")
    for name, r in results.items():
        print(
            f"{name:24}{r['rps']:>10.0f}{r['p50']:>10.2f}{r['p99']:>10.2f}"
            f"{r['requests']:>10}{r['non_2xx']:>9}"
        )
    app, bare = results["signatures (app)"], results["bare Flask JSON POST"]
    print(f"ratio signatures/s to bare Flask: {app['rps'] / bare['rps']:.2f} (target >= 0.50)")
    print(
        f"check: {rows} signatures stored (warm-up included), petition counter {counter}: "
        f"{'exact' if counter == rows else 'MISMATCH'}"
    )


if __name__ == "__main__":
    main()
