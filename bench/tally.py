"""The public tally under load at a thousand and a million signatures, beside bare Flask.

    python bench/tally.py [--rows 1000000] [--seconds 10] [--rounds 2] [--workers N]

One run, bounded in time (about five minutes for a million rows on two cores): creates a
throwaway PostgreSQL database (server from BENCH_DATABASE_URL, see pgbench_db.py), migrates
and seeds it, fills one petition with 1,000 signatures using the bulk loader, and serves the
app and a bare Flask app (a GET returning a small JSON body) under the same gunicorn
settings (the project's gunicorn.conf.py). wrk drives GET /api/v1/petitions/{slug}/tally and
the bare GET in alternating rounds; then the petition is filled up to ``--rows`` and the same
is measured again. Finally the organizer CSV export of all those rows is downloaded from a
one-worker gunicorn, timed, and the worker's peak resident memory (VmHWM) read. Needs wrk.
"""

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from pgbench_db import FLASK, ROOT, database, flask, gunicorn, memory_kib, worker_pids  # noqa: E402

PETITION = "release-the-prisoners"
TALLY = f"/api/v1/petitions/{PETITION}/tally"
EXPORT = f"/api/v1/petitions/{PETITION}/signatures.csv"

BARE_APP = '''"""Bare Flask: a GET answering a small JSON body, the yardstick for the tally."""
from flask import Flask

app = Flask(__name__)


@app.get("/tally")
def tally():
    return {"signature_count": 1000, "goal": 10000, "percent": 10.0,
            "next_milestone": 2500, "updated_at": "2024-04-04T13:00:00+00:00"}
'''


def wrk(url: str, seconds: int, connections: int, threads: int = 2) -> float:
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s"]
    out = subprocess.run(
        [*command, url], capture_output=True, text=True, check=True, timeout=seconds + 60
    ).stdout
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if bad:
        sys.exit(f"{bad.group(1)} failed responses from {url}:\n{out}")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))


def compare(app_url: str, bare_url: str, args) -> dict:
    """Alternate bare and tally rounds so that drifting machine load hits both alike."""
    wrk(app_url + TALLY, 2, args.connections)
    wrk(bare_url + "/tally", 2, args.connections)
    bare, tally = [], []
    for _ in range(args.rounds):
        bare.append(wrk(bare_url + "/tally", args.seconds, args.connections))
        tally.append(wrk(app_url + TALLY, args.seconds, args.connections))
    with urllib.request.urlopen(app_url + TALLY) as response:  # noqa: S310 - our own server
        count = json.load(response)["signature_count"]
    return {
        "count": count,
        "bare": sum(bare) / len(bare),
        "tally": sum(tally) / len(tally),
        "rounds": list(zip(bare, tally, strict=True)),
    }


def load(env: dict, rows: int) -> float:
    started = time.monotonic()
    flask(env, "signatures", "load", PETITION, "--fake", str(rows), "--seed", str(rows))
    return time.monotonic() - started


def export(env: dict) -> dict:
    out = subprocess.run(
        [*FLASK, "tokens", "create", "bench-export", "--scopes", "export"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    secret = out.strip().splitlines()[-1]
    # A sync worker that streams for longer than its timeout is killed: allow for the export.
    env = {**env, "GUNICORN_TIMEOUT": "900"}
    with gunicorn("wsgi:app", ROOT, env, workers=1, probe="/healthz") as (url, server):
        (worker,) = worker_pids(server)
        before = memory_kib(worker, "VmRSS")
        auth = {"Authorization": f"Bearer {secret}"}
        request = urllib.request.Request(url + EXPORT, headers=auth)
        started = time.monotonic()
        lines = size = 0
        with urllib.request.urlopen(request, timeout=900) as response:  # noqa: S310
            if response.status != 200:
                sys.exit(f"export answered {response.status}")
            while chunk := response.read(1 << 16):
                size += len(chunk)
                lines += chunk.count(b"\n")
        seconds = time.monotonic() - started
        peak = memory_kib(worker, "VmHWM")
    return {"rows": lines - 1, "mb": size / 1e6, "seconds": seconds, "before": before, "peak": peak}


def report(label: str, result: dict) -> None:
    ratio = result["tally"] / result["bare"]
    print(
        f"{label}: tally {result['tally']:.0f} req/s, bare Flask {result['bare']:.0f} req/s, "
        f"ratio {ratio:.2f} (target >= 0.90)"
    )
    rounds = "; ".join(f"bare {b:.0f} / tally {t:.0f}" for b, t in result["rounds"])
    print(f"  rounds: {rounds}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--seconds", type=int, default=10, help="seconds per wrk round")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=(os.cpu_count() or 1) * 2 + 1)
    parser.add_argument("--no-export", action="store_true")
    args = parser.parse_args()
    print(
        f"gunicorn {args.workers} sync workers (gunicorn.conf.py), wrk 2 threads "
        f"{args.connections} connections, {args.rounds} x {args.seconds}s rounds, PostgreSQL, "
        f"TALLY_CACHE_SECONDS={os.environ.get('TALLY_CACHE_SECONDS', '1 (default)')}"
    )
    with tempfile.TemporaryDirectory() as scratch, database("bench_tally") as env:
        (Path(scratch) / "bare_app.py").write_text(BARE_APP)
        load(env, 1000)
        with (
            gunicorn("wsgi:app", ROOT, env, args.workers, probe="/healthz") as (app_url, _),
            gunicorn("bare_app:app", Path(scratch), env, args.workers, probe="/tally") as (
                bare_url,
                _,
            ),
        ):
            small = compare(app_url, bare_url, args)
            report(f"{small['count']:>9,} signatures", small)
            seconds = load(env, args.rows - small["count"])
            print(f"bulk loader: {args.rows - small['count']:,} signatures in {seconds:.0f}s")
            large = compare(app_url, bare_url, args)
            report(f"{large['count']:>9,} signatures", large)
        change = large["tally"] / small["tally"] - 1
        print(
            f"tally at {large['count']:,} vs {small['count']:,}: {change:+.1%} (target: within 5%)"
        )
        if not args.no_export:
            result = export(env)
            print(
                f"CSV export: {result['rows']:,} rows, {result['mb']:.0f} MB in "
                f"{result['seconds']:.1f}s ({result['rows'] / result['seconds']:,.0f} rows/s); "
                f"worker RSS {result['before'] / 1024:.0f} MB before, peak "
                f"{result['peak'] / 1024:.0f} MB (target < 150 MB)"
            )


if __name__ == "__main__":
    main()
