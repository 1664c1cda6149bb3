"""Signatures and sign-ups per second under gunicorn, against a bare Flask JSON POST app.

    python bench/signatures.py [--seconds 10] [--connections 32] [--workers N] [--threads 4]
                               [--existing 1000,1000000] [--idempotency] [--minimal]
                               [--backend postgres|sqlite]

One run, bounded in time: starts a bare Flask app that parses a JSON POST and answers 201
under the project's gunicorn.conf.py and measures it with wrk, first and again last (the
ratios are to the mean of the two); in between, for each size in ``--existing``, creates
a throwaway PostgreSQL database (server from BENCH_DATABASE_URL; ``--backend sqlite``: a
SQLite file), migrates and seeds it, loads that many signatures onto the petition with
``flask signatures load --fake``, starts the app under the same gunicorn settings with the
Redis rate limiter active (limits raised so that nothing is refused), and drives it with wrk
posting signatures, then sign-ups, with unique emails (``--idempotency``: each with its own
``Idempotency-Key``). ``--minimal`` first measures ``bench/minimal_app.py`` on the same
database: the signing work with nothing else around it, the ceiling the service's ratio can
approach on this machine (its signatures go through the same statement, so the counter
check covers them). It prints requests per second, p50 and p99 latency and each ratio to
bare Flask from this same run, and each run's CPU per request by process (gunicorn,
PostgreSQL, Redis, wrk: the machine's split), then checks every counter against the rows
(``flask tallies check``) and drops the database. Needs ``wrk`` and a Redis at BENCH_REDIS_URL.
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
from pgbench_db import (  # noqa: E402
    BENCH_REDIS_DB,
    KINDS,
    ROOT,
    cpu_seconds,
    database,
    flask,
    gunicorn,
    redis_env,
    sqlite_database,
)

BENCH = Path(__file__).resolve().parent
REDIS_URL = os.environ.get("BENCH_REDIS_URL", f"redis://127.0.0.1:6379/{BENCH_REDIS_DB}")
PETITION = "support-the-senators-letter"
CAMPAIGN = "nagorno-karabakh-political-prisoners"
PATH = f"/api/v1/petitions/{PETITION}/signatures"
SIGNUPS_PATH = f"/api/v1/campaigns/{CAMPAIGN}/signups"
RAISED_LIMIT = "100000000/minute"

BARE_APP = '''
"""A bare Flask app: parse a JSON POST, answer 201 with JSON. The benchmark's yardstick."""
from flask import Flask, request

app = Flask(__name__)


@app.post("/api/v1/petitions/<slug>/signatures")
def sign(slug):
    body = request.get_json()
    return {"petition": slug, "goal": len(body)}, 201
'''

# Each wrk thread numbers its own requests, so every email is new to the database. BODY is a
# Lua format string taking the run, the thread and the request number, in that order.
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
  local body = string.format(BODY, run, id, counter)
  local headers = nil
  if KEYS then
    headers = {["Idempotency-Key"] = string.format("%s-%d-%d", run, id, counter)}
  end
  return wrk.format(nil, nil, headers, body)
end
"""


def wrk_post_script(body: str, keys: bool = False) -> str:
    """A wrk script posting ``body`` (a Lua format string, see WRK_SCRIPT) with a new email
    each time; ``keys``: each with its own Idempotency-Key."""
    return f"KEYS = {'true' if keys else 'false'}\n" + WRK_SCRIPT.replace("BODY", body)


def wrk_script(comment: bool, keys: bool) -> str:
    extra = ',"comment":"Free them."' if comment else ""
    body = (
        """'{"given_name":"Անահիտ","family_name":"Bench","email":"bench-%s-%d-%d@example.org'"""
        """ .. '","postal_code":"0010","country":"AM","region":"Yerevan","consent":true,'"""
        f""" .. '"source":"bench"{extra}}}'"""
    )
    return wrk_post_script(body, keys)


def _latency_ms(text: str, label: str) -> float:
    match = re.search(rf"^\s*{label}\s+([\d.]+)(us|ms|s)\s*$", text, re.MULTILINE)
    value, unit = float(match.group(1)), match.group(2)
    return value * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def wrk(url: str, script: str, seconds: int, connections: int, threads: int, path=PATH) -> dict:
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
    before = cpu_seconds()
    out = subprocess.run(
        command, capture_output=True, text=True, check=True, timeout=seconds + 60
    ).stdout
    after = cpu_seconds()
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
        # CPU milliseconds per request by part of the stack (the whole run, ramp-up included).
        "cpu": {k: 1000 * (after[k] - before[k]) / max(total, 1) for k in KINDS},
    }


def check_counters(env: dict) -> str:
    """``flask tallies check``: every counter recomputed from the rows; its last line."""
    out = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", "tallies", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    lines = (out.stdout + out.stderr).strip().splitlines()
    return ("" if out.returncode == 0 else "DRIFT: ") + (lines[-1] if lines else "?")


def counted(
    database_url: str, table: str = "signatures", owner: str = "petitions", slug: str = PETITION
) -> tuple[int, int]:
    """Rows of ``table`` and the total counter of the ``owner`` row named ``slug`` (a petition,
    an advocacy campaign), read in one statement (one snapshot)."""
    subject = {"petitions": "petition", "advocacy_campaigns": "advocacy"}[owner]
    url = make_url(database_url)
    if url.get_backend_name() == "postgresql":
        url = url.set(drivername="postgresql+psycopg")
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        rows, counter = conn.execute(
            sa.text(
                f"SELECT (SELECT count(*) FROM {table}), "  # noqa: S608 - fixed names
                f"(SELECT coalesce(sum(c.count), 0) FROM counters c JOIN {owner} o "
                f"ON c.subject = '{subject}:' || o.id WHERE o.slug = :slug "
                "AND c.dimension = 'total' AND c.key = '')"
            ),
            {"slug": slug},
        ).one()
    engine.dispose()
    return int(rows), int(counter)


def bench_options(parser: argparse.ArgumentParser) -> None:
    """The options every write bench takes: how long, how hard, how many gunicorn workers."""
    parser.add_argument("--seconds", type=int, default=10, help="measured seconds per app")
    parser.add_argument("--warmup", type=int, default=2, help="unmeasured seconds first")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--wrk-threads", type=int, default=2)
    # gunicorn.conf.py's own default: one per core and one spare.
    parser.add_argument("--workers", type=int, default=(os.cpu_count() or 1) + 1)
    parser.add_argument("--threads", type=int, default=4, help="gunicorn threads per worker")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    bench_options(parser)
    parser.add_argument(
        "--existing",
        type=lambda text: [int(n) for n in text.split(",")],
        default=[1000],
        help="comma-separated numbers of signatures loaded before measuring",
    )
    parser.add_argument("--idempotency", action="store_true", help="send Idempotency-Key")
    parser.add_argument(
        "--minimal",
        action="store_true",
        help="also measure bench/minimal_app.py (the least a signature costs on this stack)",
    )
    parser.add_argument(
        "--backend",
        choices=("postgres", "sqlite"),
        default="postgres",
        help="sqlite: the quick start's database, a file (the limiter stays on Redis)",
    )
    args = parser.parse_args()
    if args.minimal and args.backend != "postgres":
        parser.error("--minimal runs the PostgreSQL statement: use it with --backend postgres")

    app_env = {
        **os.environ,
        "SECRET_KEY": "bench",
        **redis_env(REDIS_URL),
        "SIGNATURE_RATE_LIMIT": RAISED_LIMIT,
        "SIGNUP_RATE_LIMIT": RAISED_LIMIT,
        "WIDGET_RATE_LIMIT": RAISED_LIMIT,
        "LOG_LEVEL": os.environ.get("LOG_LEVEL", "WARNING"),
    }
    results: dict[str, dict] = {}
    checks: list[str] = []
    with tempfile.TemporaryDirectory() as scratch:
        scratch = Path(scratch)
        (scratch / "bare_app.py").write_text(textwrap.dedent(BARE_APP))
        sign_script, join_script = scratch / "sign.lua", scratch / "join.lua"
        sign_script.write_text(wrk_script(comment=True, keys=args.idempotency))
        join_script.write_text(wrk_script(comment=False, keys=args.idempotency))
        measure = [args.seconds, args.connections, args.wrk_threads]
        serve = {"workers": args.workers, "threads": args.threads}

        def bare(label: str) -> None:
            with gunicorn("bare_app:app", scratch, app_env, **serve) as (url, _):
                wrk(url, str(sign_script), args.warmup, *measure[1:])
                results[label] = wrk(url, str(sign_script), *measure)

        bare("bare Flask, first")
        opened = database if args.backend == "postgres" else sqlite_database
        for existing in args.existing:
            with opened("bench_signatures") as db_env:
                env = {**app_env, "DATABASE_URL": db_env["DATABASE_URL"]}
                if existing:
                    flask(env, "signatures", "load", PETITION, "--fake", str(existing))
                if args.minimal:
                    minimal_env = {**env, "BENCH_MINIMAL_REDIS_URL": REDIS_URL}
                    with gunicorn("minimal_app:app", BENCH, minimal_env, **serve) as (url, _):
                        wrk(url, str(sign_script), args.warmup, *measure[1:])
                        results[f"minimal @{existing:,}"] = wrk(url, str(sign_script), *measure)
                with gunicorn("wsgi:app", ROOT, env, probe="/healthz", **serve) as (url, _):
                    for name, script, path in (
                        ("signatures", sign_script, PATH),
                        ("sign-ups", join_script, SIGNUPS_PATH),
                    ):
                        wrk(url, str(script), args.warmup, *measure[1:], path=path)
                        results[f"{name} @{existing:,}"] = wrk(
                            url, str(script), *measure, path=path
                        )
                # After gunicorn's graceful stop: every request it accepted has finished.
                rows, counter = counted(db_env["DATABASE_URL"])
                checks.append(
                    f"@{existing:,}: {rows} signatures stored, petition counter {counter}: "
                    f"{'exact' if counter == rows else 'MISMATCH'}; tallies check: "
                    + check_counters(env)
                )
        bare("bare Flask, last")

    print(
        f"gunicorn: {args.workers} workers x {args.threads} threads; wrk: {args.wrk_threads} "
        f"threads, {args.connections} connections, {args.seconds}s; "
        f"{'PostgreSQL' if args.backend == 'postgres' else 'SQLite'} + Redis limiter"
        + ("; a fresh Idempotency-Key on every write" if args.idempotency else "")
    )
    # The yardstick is bare Flask's mean of a run before and one after the app's: on a shared
    # machine one run alone can land in a quiet or a busy moment.
    yardstick = (results["bare Flask, first"]["rps"] + results["bare Flask, last"]["rps"]) / 2
    header = f"{'':26}{'req/s':>9}{'ratio':>7}{'p50 ms':>9}{'p99 ms':>9}{'requests':>10}"
    print(header + f"{'non-2xx':>9}")
    for name, r in results.items():
        print(
            f"{name:26}{r['rps']:>9.0f}{r['rps'] / yardstick:>7.2f}{r['p50']:>9.2f}"
            f"{r['p99']:>9.2f}{r['requests']:>10}{r['non_2xx']:>9}"
        )
    print("targets: ratio >= 0.20, p99 < 50 ms; ratio at the largest size within 10% of the first")
    for existing in args.existing:
        minimal = results.get(f"minimal @{existing:,}")
        if minimal:
            signing = results[f"signatures @{existing:,}"]["rps"]
            print(
                f"signatures @{existing:,} ran at {signing / minimal['rps']:.2f} of the minimal "
                "implementation's rate"
            )
    print("CPU ms per request, by process: " + ", ".join(KINDS))
    for name, r in results.items():
        print(f"  {name:24}" + "".join(f"{r['cpu'][k]:>9.3f}" for k in KINDS))
    for line in checks:
        print("check " + line)


if __name__ == "__main__":
    main()
