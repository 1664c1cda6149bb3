"""Do many writers on one petition serialize on its counter row? Signing throughput by shards.

    python bench/hot_counter.py [--writers 16] [--seconds 10] [--shards 1,8]

Each writer is a process with its own app and connection calling ``signing.sign`` on one
petition with new people, as a request would, for a fixed time. Every signature updates the
petition's, its demand's and its campaign's counter rows in its transaction, so with one
shard per count every writer queues on the same rows until the one ahead commits. Runs on a
throwaway PostgreSQL database (see pgbench_db.py) and checks the counts stay exact.
"""

import argparse
import multiprocessing
import os
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from pgbench_db import database  # noqa: E402

PETITION = "support-the-senators-letter"


def writer(number: int, shards: int, seconds: float, ready, go, results) -> None:
    os.environ["COUNTER_SHARDS"] = str(shards)
    from sqlalchemy import select

    from campaign import create_app
    from campaign.models import Petition
    from campaign.models.base import db
    from campaign.services import signing

    app = create_app()
    done = 0
    with app.app_context():
        petition = db.session.scalar(select(Petition).where(Petition.slug == PETITION))
        petition.demands  # noqa: B018 - loaded once, as the request path does
        ready.put(number)
        go.wait(timeout=120)
        deadline = time.time() + seconds
        while time.time() < deadline:
            details = {
                "given_name": "Bench",
                "email": f"hot-{shards}-{number}-{done}@example.org",
                "country": "AM",
                "source": "bench",
            }
            signing.sign(petition.slug, details, ip_hash="", may_commit_alone=True)
            db.session.commit()
            done += 1
    results.put(done)


def run(env: dict, shards: int, writers: int, seconds: float) -> float:
    os.environ.update(env)
    context = multiprocessing.get_context("spawn")
    ready, go, results = context.Queue(), context.Event(), context.Queue()
    procs = [
        context.Process(target=writer, args=(n, shards, seconds, ready, go, results))
        for n in range(writers)
    ]
    for proc in procs:
        proc.start()
    # Start the clock once every writer has imported, connected and loaded the petition.
    for _ in procs:
        ready.get(timeout=120)
    go.set()
    waits = sample_waits(env["DATABASE_URL"], seconds)
    total = sum(results.get(timeout=seconds + 60) for _ in procs)
    for proc in procs:
        proc.join(timeout=30)
    return total / seconds, waits


def sample_waits(url: str, seconds: float) -> Counter:
    """What the writers' sessions wait on, sampled every 50 ms while they run."""
    import sqlalchemy as sa
    from sqlalchemy.engine import make_url

    name = make_url(url).database
    engine = sa.create_engine(make_url(url).set(drivername="postgresql+psycopg"))
    waits: Counter = Counter()
    query = sa.text(
        "SELECT coalesce(wait_event_type || ':' || wait_event, 'running')"
        " || CASE WHEN wait_event_type = 'Lock' THEN ' in ' || split_part(query, ' ', 3) ELSE ''"
        " END FROM pg_stat_activity"
        " WHERE datname = :name AND state = 'active' AND pid <> pg_backend_pid()"
    )
    deadline = time.time() + seconds
    with engine.connect() as conn:
        while time.time() < deadline:
            waits.update(conn.execute(query, {"name": name}).scalars())
            conn.rollback()
            time.sleep(0.05)
    engine.dispose()
    return waits


def check_exact(env: dict) -> str:
    os.environ.update(env)
    from campaign import create_app
    from campaign.services import reconcile

    with create_app().app_context():
        report = reconcile.check()
    return "exact" if not report.drifts else f"{len(report.drifts)} counts drifted"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--writers", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--shards", default="1,8")
    parser.add_argument(
        "--async-commit",
        action="store_true",
        help="synchronous_commit=off for the writers: takes the WAL flush out of the lock "
        "hold time, to see the row locks alone",
    )
    args = parser.parse_args()
    if args.async_commit:
        os.environ["PGOPTIONS"] = "-c synchronous_commit=off"
    with database("bench_hot") as env:
        for shards in (int(s) for s in args.shards.split(",")):
            rate, waits = run(env, shards, args.writers, args.seconds)
            print(f"COUNTER_SHARDS={shards}: {args.writers} writers, {rate:.0f} signatures/s")
            seen = sum(waits.values()) or 1
            top = ", ".join(f"{w} {100 * n / seen:.0f}%" for w, n in waits.most_common(4))
            print(f"  active sessions were: {top}")
        print("counts after the run:", check_exact(env))


if __name__ == "__main__":
    main()
