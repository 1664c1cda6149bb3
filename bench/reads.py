"""Public reads and the per-request overhead under load, beside bare Flask GET.

    python bench/reads.py [--backend postgres|sqlite] [--seconds 5] [--rounds 2] [--workers 4]

Serves the app (gunicorn, the project's gunicorn.conf.py, ``--workers`` workers) on a fresh
migrated and seeded database: PostgreSQL (server from BENCH_DATABASE_URL, see pgbench_db.py)
or a SQLite file, with the limiter on Redis (BENCH_REDIS_URL, default redis://127.0.0.1:6379/2)
for PostgreSQL and in memory for SQLite, as each is run. A bare Flask app answering a small
JSON GET runs under the same settings. wrk (``-t1 -c32`` by default) drives, in alternating
rounds, bare Flask and each of: GET /healthz, GET /api/v1/campaigns/{slug},
GET /api/v1/petitions/{slug} and the tally with its per-worker copy off (a second app
instance with TALLY_CACHE_SECONDS=0). Before measuring it checks the read contract (ETag,
304 on If-None-Match, public Cache-Control). Prints req/s and the ratio to bare Flask.

With ``--py-spy`` one worker is sampled by py-spy during each path's first round and the
samples are summed by where the time went (the innermost frame's package or module).
"""

import argparse
import collections
import os
import subprocess
import sys
import tempfile
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from pgbench_db import ROOT, database, gunicorn, sqlite_database, worker_pids  # noqa: E402
from tally import BARE_APP, wrk  # noqa: E402

CAMPAIGN = "nagorno-karabakh-political-prisoners"
PETITION = "release-the-prisoners"
PATHS = {
    "GET /healthz": ("/healthz", 0.8),
    "GET campaign": (f"/api/v1/campaigns/{CAMPAIGN}", 0.5),
    "GET petition": (f"/api/v1/petitions/{PETITION}", 0.5),
}
TALLY = f"/api/v1/petitions/{PETITION}/tally"


def check_contract(url: str) -> None:
    """Fail loudly if a read lost its ETag, its 304 or its public caching."""
    for path in (f"/api/v1/campaigns/{CAMPAIGN}", f"/api/v1/petitions/{PETITION}"):
        with urllib.request.urlopen(url + path) as response:  # noqa: S310 - our own server
            etag = response.headers.get("ETag")
            cache = response.headers.get("Cache-Control", "")
        if not etag or "public" not in cache or "stale-while-revalidate" not in cache:
            sys.exit(f"{path}: ETag {etag!r}, Cache-Control {cache!r}")
        request = urllib.request.Request(url + path, headers={"If-None-Match": etag})
        try:
            urllib.request.urlopen(request)  # noqa: S310
            sys.exit(f"{path}: If-None-Match answered 200, not 304")
        except urllib.error.HTTPError as answer:
            if answer.code != 304:
                sys.exit(f"{path}: If-None-Match answered {answer.code}")


# Where a worker's time goes: a sample below one of these is counted under it (so
# "database" is time spent below SQLAlchemy, wherever called from); the rest under the
# innermost frame that is ours, else under Flask and Werkzeug; samples outside the app
# (gunicorn parsing HTTP, writing sockets, waiting) are reported apart.
BELOW = (
    ("rate limiter hooks", "flask_limiter/"),
    ("observability hooks", "campaign/observability.py"),
    ("hardening hooks", "campaign/hardening.py"),
    ("CORS", "flask_cors/"),
    ("database", "sqlalchemy/"),
    ("database", "psycopg/"),
    ("serialising", "marshmallow/"),
    ("serialising", "json/"),
    ("flask-smorest", "flask_smorest/"),
)
INNERMOST = (
    ("public copy", "campaign/api/public_cache.py"),
    ("views and services", "campaign/"),
    ("Flask and Werkzeug", "flask/"),
    ("Flask and Werkzeug", "werkzeug/"),
)


def owner(stack: str) -> str:
    if "flask/app.py" not in stack and "public_cache.py" not in stack:
        return "outside the app"
    for name, marker in BELOW:
        if marker in stack:
            return name
    for frame in reversed(stack.split(";")):
        for name, marker in INNERMOST:
            if marker in frame:
                return name
    return "Flask and Werkzeug"


def sample(pid: int, seconds: int) -> subprocess.Popen:
    fd, out = tempfile.mkstemp(suffix=".txt")
    os.close(fd)
    command = ["py-spy", "record", "-p", str(pid), "-d", str(seconds), "-f", "raw"]
    # Sampled while wrk keeps it busy; idle waits for the next request are left out.
    command += ["-o", out, "--nonblocking", "-r", "200"]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    process.output = out
    return process


def breakdown(process: subprocess.Popen) -> str:
    """A worker's samples summed by owner: the per-request time, by who spends it."""
    process.wait(timeout=120)
    counts: collections.Counter = collections.Counter()
    for line in Path(process.output).read_text().splitlines():
        stack, _, n = line.rpartition(" ")
        counts[owner(stack)] += int(n)
    Path(process.output).unlink()
    # gunicorn's own share (HTTP parsing, sockets, waiting) is the same for bare Flask.
    outside = counts.pop("outside the app", 0)
    inside = sum(counts.values()) or 1
    shares = ", ".join(f"{name} {n / inside:.0%}" for name, n in counts.most_common(12))
    return f"{inside / (inside + outside):.0%} of samples in the app: {shares}"


def measure(targets, bare_url: str, args, workers) -> dict[str, tuple[float, float]]:
    """Alternate bare and app rounds so that drifting machine load hits both alike."""
    results = {}
    for label, url in targets.items():
        wrk(url, 2, args.connections, args.threads)
        bare, app = [], []
        for n in range(args.rounds):
            bare.append(wrk(bare_url + "/tally", args.seconds, args.connections, args.threads))
            spy = sample(workers[label], args.seconds) if args.py_spy and n == 0 else None
            app.append(wrk(url, args.seconds, args.connections, args.threads))
            if spy:
                print(f"py-spy, {label}: {breakdown(spy)}")
        results[label] = (sum(app) / len(app), sum(bare) / len(bare))
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=("postgres", "sqlite"), default="postgres")
    parser.add_argument("--seconds", type=int, default=5, help="seconds per wrk round")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--threads", type=int, default=1, help="wrk threads")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--py-spy", action="store_true", help="sample one worker per path")
    args = parser.parse_args()
    redis = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/2")
    print(
        f"{args.backend}, gunicorn {args.workers} workers (gunicorn.conf.py), wrk -t{args.threads}"
        f" -c{args.connections}, {args.rounds} x {args.seconds}s rounds per path"
    )
    made = database("bench_reads") if args.backend == "postgres" else sqlite_database()
    with tempfile.TemporaryDirectory() as scratch, made as env:
        if args.backend == "postgres":
            env["RATELIMIT_STORAGE_URI"] = redis
        (Path(scratch) / "bare_app.py").write_text(BARE_APP)
        uncached = {**env, "TALLY_CACHE_SECONDS": "0"}
        with (
            gunicorn("wsgi:app", ROOT, env, args.workers, probe="/healthz") as (app_url, app),
            gunicorn("wsgi:app", ROOT, uncached, args.workers, probe="/healthz") as (raw_url, raw),
            gunicorn("bare_app:app", Path(scratch), env, args.workers, probe="/tally") as (
                bare_url,
                _,
            ),
        ):
            check_contract(app_url)
            targets = {label: app_url + path for label, (path, _) in PATHS.items()}
            targets["GET tally, copy off"] = raw_url + TALLY
            workers = {label: worker_pids(app)[0] for label in PATHS}
            workers["GET tally, copy off"] = worker_pids(raw)[0]
            results = measure(targets, bare_url, args, workers)
    goals = {label: goal for label, (_, goal) in PATHS.items()}
    goals["GET tally, copy off"] = 0.25
    for label, (app, bare) in results.items():
        print(
            f"{label:<22} {app:>7.0f} req/s, bare Flask {bare:>6.0f} req/s, "
            f"ratio {app / bare:.2f} (target >= {goals[label]})"
        )


if __name__ == "__main__":
    main()
