"""Where one public write's CPU goes, in process: cProfile on a CPU clock, parts as shares.

    python bench/write_profile.py [--route signature|sign-up] [--requests 1500]

Creates a throwaway PostgreSQL database (server from BENCH_DATABASE_URL), migrates and seeds
it, and posts new signers through the Flask test client with the Redis rate limiter at
BENCH_REDIS_URL active (limits raised). It prints the CPU and wall time per request without
the profiler, then the share of the profiled CPU time each part of the request takes. Run it
on two checkouts (``git worktree add``) one after the other to compare code before and after
a change: the shares are steadier than the times on a shared machine.
"""

import argparse
import cProfile
import os
import pstats
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from pgbench_db import BENCH_REDIS_DB, ROOT, database, redis_env  # noqa: E402

# This checkout's code, whichever one the virtualenv has installed.
sys.path.insert(0, str(ROOT))

REDIS_URL = os.environ.get("BENCH_REDIS_URL", f"redis://127.0.0.1:6379/{BENCH_REDIS_DB}")
RAISED_LIMIT = "100000000/minute"
ROUTES = {
    "signature": "/api/v1/petitions/support-the-senators-letter/signatures",
    "sign-up": "/api/v1/campaigns/nagorno-karabakh-political-prisoners/signups",
}
# Each part sums, over its patterns, the largest cumulative time among the functions whose
# "file:line(name)" matches the pattern (an outer call includes what it calls). Parts overlap
# where one calls another, as the indented names say.
PARTS = {
    "body parsing and validation (webargs, marshmallow)": (r"webargs/core\.py:\d+\(parse\)",),
    "rate limiter (one Redis round trip)": (r"campaign/ratelimit/__init__\.py:\d+\(hit\)",),
    "the signing service": (r"campaign/services/signing\.py:\d+\((sign|join)\)",),
    # A write standing alone runs on the driver (dialect.run_alone); one in a transaction,
    # and any read, through SQLAlchemy.
    "  the statement (pool, driver, round trip)": (
        r"campaign/services/dialect\.py:\d+\(run_alone\)",
        r"sqlalchemy/engine/base\.py:\d+\(execute\)",
    ),
    "    of which psycopg (driver, round trip)": (r"psycopg/cursor\.py:\d+\(execute\)",),
    "  ORM session (connection, commit)": (
        r"sqlalchemy/orm/scoping\.py:\d+\(commit\)",
        r"sqlalchemy/orm/scoping\.py:\d+\(connection\)",
    ),
    "before- and after-request hooks": (
        r"flask/app\.py:\d+\(preprocess_request\)",
        r"flask/app\.py:\d+\(process_response\)",
    ),
}


def body(route: str, n: int) -> dict:
    details = {
        "given_name": "Անահիտ",
        "family_name": "Bench",
        "email": f"profile-{n}@example.org",
        "postal_code": "0010",
        "country": "AM",
        "region": "Yerevan",
        "consent": True,
        "source": "bench",
    }
    if route == "signature":
        details["comment"] = "Free them."
    return details


def share(stats: pstats.Stats, patterns: tuple[str, ...]) -> float:
    total = 0.0
    for pattern in patterns:
        found = [
            entry[3]
            for (path, line, name), entry in stats.stats.items()
            if re.search(pattern, f"{path}:{line}({name})")
        ]
        total += max(found, default=0.0)
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--route", choices=tuple(ROUTES), default="signature")
    parser.add_argument("--requests", type=int, default=1500)
    args = parser.parse_args()
    with database("bench_profile") as env:
        os.environ.update(
            DATABASE_URL=env["DATABASE_URL"],
            SECRET_KEY="bench",
            LOG_LEVEL="WARNING",
            SIGNATURE_RATE_LIMIT=RAISED_LIMIT,
            SIGNUP_RATE_LIMIT=RAISED_LIMIT,
            **redis_env(REDIS_URL),
        )
        from campaign import create_app

        app = create_app()
        client, path, n = app.test_client(), ROUTES[args.route], args.requests
        for i in range(300):  # warm: compiled statements, prepared plans, caches
            assert client.post(path, json=body(args.route, i)).status_code == 201
        cpu, wall = time.process_time(), time.perf_counter()
        for i in range(300, 300 + n):
            client.post(path, json=body(args.route, i))
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        profile = cProfile.Profile(time.process_time)
        profile.enable()
        for i in range(300 + n, 300 + 2 * n):
            client.post(path, json=body(args.route, i))
        profile.disable()
    stats = pstats.Stats(profile)
    print(
        f"{args.route}: {1000 * cpu / n:.2f} ms CPU and {1000 * wall / n:.2f} ms wall per "
        f"request unprofiled ({n} requests); shares of the profiled CPU time:"
    )
    for name, patterns in PARTS.items():
        print(f"  {name:54}{100 * share(stats, patterns) / stats.total_tt:6.1f} %")


if __name__ == "__main__":
    main()
