"""Median latency of a public write for a new signer and for a repeat one, in process.

    python bench/write_timing.py [--backend postgresql|sqlite] [--samples 400]

Posts signatures and sign-ups through the Flask test client, alternating a new email with a
repeat of an email that has already signed (another spelling of it), and prints the median
and 90th percentile of each and the difference. The answer to both is the same; this shows
their timing does not tell them apart either. PostgreSQL uses a throwaway database (server
from BENCH_DATABASE_URL) and the Redis limiter at BENCH_REDIS_URL; SQLite a temporary file
with in-memory limits.
"""

import argparse
import contextlib
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from pgbench_db import database, sqlite_database  # noqa: E402

REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/15")
RAISED_LIMIT = "100000000/minute"
ROUTES = {
    "signature": "/api/v1/petitions/support-the-senators-letter/signatures",
    "sign-up": "/api/v1/campaigns/nagorno-karabakh-political-prisoners/signups",
}


@contextlib.contextmanager
def environment(backend: str):
    opened = database if backend == "postgresql" else sqlite_database
    with opened("bench_timing") as env:
        storage = REDIS_URL if backend == "postgresql" else "memory://"
        yield {"DATABASE_URL": env["DATABASE_URL"], "RATELIMIT_STORAGE_URI": storage}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--backend", choices=("postgresql", "sqlite"), default="postgresql")
    parser.add_argument("--samples", type=int, default=400, help="of each kind, per route")
    args = parser.parse_args()
    with environment(args.backend) as env:
        os.environ.update(env)
        os.environ.update(
            SECRET_KEY="bench",
            LOG_LEVEL="WARNING",
            SIGNATURE_RATE_LIMIT=RAISED_LIMIT,
            SIGNUP_RATE_LIMIT=RAISED_LIMIT,
        )
        from campaign import create_app

        app = create_app()
        client = app.test_client()
        print(f"{args.backend}, {args.samples} samples of each, in process (test client)")
        for name, url in ROUTES.items():
            timings: dict[str, list[float]] = {"new": [], "repeat": []}
            for i in range(args.samples + 20):
                body = {"given_name": "Ani", "email": f"ani.{name}.{i}@gmail.com", "country": "AM"}
                for kind in ("new", "repeat"):
                    if kind == "repeat":
                        body = {**body, "email": f"Ani{name}{i}+again@googlemail.com"}
                    started = time.perf_counter()
                    status = client.post(url, json=body).status_code
                    elapsed = (time.perf_counter() - started) * 1000
                    assert status == 201, status
                    if i >= 20:  # the first ones warm caches and prepared statements
                        timings[kind].append(elapsed)
            new, repeat = (statistics.median(timings[k]) for k in ("new", "repeat"))
            p90 = {k: statistics.quantiles(v, n=10)[-1] for k, v in timings.items()}
            print(
                f"{name:10} median new {new:6.2f} ms, repeat {repeat:6.2f} ms, "
                f"difference {new - repeat:+.2f} ms; p90 new {p90['new']:.2f}, "
                f"repeat {p90['repeat']:.2f}"
            )


if __name__ == "__main__":
    main()
