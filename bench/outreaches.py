"""Outreaches per second under gunicorn, against a bare Flask JSON POST app in the same run.

    python bench/outreaches.py [--seconds 10] [--connections 32] [--workers N] [--threads 4]

Like bench/signatures.py (whose helpers it uses): a throwaway PostgreSQL database
(``bench_<pid>``; server from BENCH_DATABASE_URL) is migrated and seeded, the app runs under
gunicorn with the Redis limiter (BENCH_REDIS_URL) and its limits raised, a bare Flask app that
parses a JSON POST and answers 201 runs under the same settings, and wrk posts letters to
``write-your-senators`` from ZIP 70801 (two senators, so two outreach rows per request) with a
new email each time. Prints req/s, p50, p99 and the ratio, and checks that the advocacy
campaign's total counter equals the stored outreach rows.
"""

import argparse
import os
import sys
import tempfile
import textwrap
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from pgbench_db import ROOT, database, gunicorn, redis_env  # noqa: E402
from signatures import (  # noqa: E402
    RAISED_LIMIT,
    REDIS_URL,
    bench_options,
    counted,
    wrk,
    wrk_post_script,
)

ADVOCACY = "write-your-senators"
PATH = f"/api/v1/advocacy-campaigns/{ADVOCACY}/outreaches"

BARE_APP = '''
"""A bare Flask app: parse a JSON POST, answer 201 with JSON. The benchmark's yardstick."""
from flask import Flask, request

app = Flask(__name__)


@app.post("/api/v1/advocacy-campaigns/<slug>/outreaches")
def reach(slug):
    body = request.get_json()
    return {"advocacy_campaign": slug, "targets": [], "fields": len(body)}, 201
'''

# A new sender each time (see signatures.WRK_SCRIPT), two senators for 70801.
POST_BODY = (
    """'{"given_name":"Անահիտ","family_name":"Bench","email":"reach-%s-%d-%d@example.org",'"""
    """ .. '"postal_code":"70801","country":"US","consent":true,"source":"bench",'"""
    """ .. '"message":"Please press the Secretary of State."}'"""
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    bench_options(parser)
    args = parser.parse_args()

    app_env = {
        **os.environ,
        "SECRET_KEY": "bench",
        **redis_env(REDIS_URL),
        "OUTREACH_RATE_LIMIT": RAISED_LIMIT,
        "WIDGET_RATE_LIMIT": RAISED_LIMIT,
        "LOG_LEVEL": os.environ.get("LOG_LEVEL", "WARNING"),
    }
    results = {}
    with tempfile.TemporaryDirectory() as scratch:
        scratch = Path(scratch)
        (scratch / "bare_app.py").write_text(textwrap.dedent(BARE_APP))
        script = scratch / "post.lua"
        script.write_text(wrk_post_script(POST_BODY))
        load = [args.connections, args.wrk_threads]
        serve = {"workers": args.workers, "threads": args.threads}
        with gunicorn("bare_app:app", scratch, app_env, **serve) as (url, _):
            wrk(url, str(script), args.warmup, *load, path=PATH)
            results["bare Flask JSON POST"] = wrk(url, str(script), args.seconds, *load, path=PATH)
        with database("bench_outreaches") as db_env:
            env = {**app_env, "DATABASE_URL": db_env["DATABASE_URL"]}
            with gunicorn("wsgi:app", ROOT, env, probe="/healthz", **serve) as (url, _):
                wrk(url, str(script), args.warmup, *load, path=PATH)
                results["outreaches (app)"] = wrk(url, str(script), args.seconds, *load, path=PATH)
            rows, counter = counted(
                db_env["DATABASE_URL"], "outreaches", "advocacy_campaigns", ADVOCACY
            )

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
    app, bare = results["outreaches (app)"], results["bare Flask JSON POST"]
    print(f"ratio outreach posts/s to bare Flask: {app['rps'] / bare['rps']:.2f}")
    print(
        f"check: {rows} outreach rows stored (warm-up included, two per post), advocacy "
        f"total counter {counter}: {'exact' if counter == rows else 'MISMATCH'}"
    )


if __name__ == "__main__":
    main()
