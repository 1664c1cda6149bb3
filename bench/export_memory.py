"""Does the signers CSV export stream in constant memory? Peak RSS by number of rows.

    python bench/export_memory.py [--rows 100000,1000000] [--backend sqlite|postgres]

For each size, a throwaway database (a SQLite file, or a PostgreSQL database from
pgbench_db.py) is migrated, seeded and filled with that many people and signatures on one
petition. Then a fresh process builds the app, creates an export token and downloads
GET /api/v1/petitions/{slug}/signatures.csv through the WSGI app without buffering, reading
the stream as a client would. It reports the rows and bytes received, the time taken, and
its resident memory before the request and at its peak (VmHWM): constant memory means the
peak does not grow with the rows.
"""

import argparse
import contextlib
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

PETITION = "release-the-prisoners"
LOAD_BATCH = 20_000


def _memory_kib(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


@contextlib.contextmanager
def sqlite_database():
    with tempfile.TemporaryDirectory(prefix="export-bench-") as folder:
        env = {
            **os.environ,
            "DATABASE_URL": f"sqlite:///{folder}/bench.sqlite3",
            "SECRET_KEY": "bench",
            "LOG_LEVEL": "WARNING",
            "RATELIMIT_STORAGE_URI": "memory://",
        }
        for args in (["db", "upgrade"], ["seed"]):
            subprocess.run(
                [sys.executable, "-m", "flask", "--app", "wsgi", *args],
                cwd=ROOT,
                env=env,
                check=True,
                stdout=subprocess.DEVNULL,
            )
        yield env


def load(rows: int) -> None:
    """Fill the database named by DATABASE_URL with ``rows`` people who signed PETITION."""
    from datetime import UTC, datetime

    from sqlalchemy import select, text

    from campaign import create_app
    from campaign.models import Person, Petition, Signature
    from campaign.models.base import db

    app = create_app()
    with app.app_context():
        petition_id = db.session.scalar(select(Petition.id).where(Petition.slug == PETITION))
        now = datetime.now(UTC)
        for start in range(0, rows, LOAD_BATCH):
            numbers = range(start, min(start + LOAD_BATCH, rows))
            db.session.execute(
                Person.__table__.insert(),
                [
                    {
                        "id": n + 1,
                        "email": f"signer{n}@example.org",
                        "email_canonical": f"signer{n}@example.org",
                        "given_name": "Անահիտ" if n % 2 else "=Ольга",
                        "family_name": f"Signer {n}",
                        "postal_code": f"{n % 100000:05d}",
                        "country": "AM",
                        "region": "Yerevan",
                        "consent": True,
                        "created_at": now,
                        "updated_at": now,
                    }
                    for n in numbers
                ],
            )
            db.session.execute(
                Signature.__table__.insert(),
                [
                    {
                        "petition_id": petition_id,
                        "person_id": n + 1,
                        "status": "counted",
                        "country": "AM",
                        "region": "Yerevan",
                        "comment": "Release them, as the senators ask, before any peace deal.",
                        "source": "bench",
                        "referrer": "https://example.org/campaign",
                        "ip_hash": "0" * 64,
                        "created_at": now,
                        "counted_at": now,
                    }
                    for n in numbers
                ],
            )
            db.session.commit()
        if db.engine.dialect.name == "postgresql":
            # As autovacuum would soon after a bulk load: plans for an empty table mislead.
            db.session.execute(text("ANALYZE"))
            db.session.commit()


def export() -> dict:
    """Download the CSV once through the app; runs in a fresh process."""
    from campaign import create_app
    from campaign.models.base import db
    from campaign.services import tokens

    app = create_app()
    with app.app_context():
        _, secret = tokens.create(f"bench-{os.getpid()}", ["export"])
        db.session.commit()
    client = app.test_client()
    # One warm-up request, so that imports and first-use caches are not counted as streaming.
    client.get(
        f"/api/v1/petitions/{PETITION}/signatures.csv?since=2999-01-01T00:00:00Z",
        headers={"Authorization": f"Bearer {secret}"},
    ).close()
    before = _memory_kib("VmRSS")
    started = time.perf_counter()
    response = client.get(
        f"/api/v1/petitions/{PETITION}/signatures.csv",
        headers={"Authorization": f"Bearer {secret}"},
        buffered=False,
    )
    size = lines = 0
    for chunk in response.response:
        size += len(chunk)
        lines += chunk.count(b"\r\n")
    response.close()
    return {
        "status": response.status_code,
        "rows": lines - 1,
        "megabytes": round(size / 1e6, 1),
        "seconds": round(time.perf_counter() - started, 1),
        "rss_before_mib": round(before / 1024, 1),
        "rss_peak_mib": round(_memory_kib("VmHWM") / 1024, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", default="100000,1000000")
    parser.add_argument("--backend", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--export-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.export_only:
        print(json.dumps(export()))
        return
    if args.backend == "postgres":
        from pgbench_db import database

        make_database = lambda: database("export_bench")  # noqa: E731
    else:
        make_database = sqlite_database
    for rows in [int(n) for n in args.rows.split(",")]:
        with make_database() as env:
            started = time.perf_counter()
            subprocess.run(
                [sys.executable, "-c", f"import export_memory as b; b.load({rows})"],
                cwd=ROOT / "bench",
                env={**env, "PYTHONPATH": str(ROOT)},
                check=True,
            )
            loaded = time.perf_counter() - started
            result = subprocess.run(
                [sys.executable, str(Path(__file__).resolve()), "--export-only"],
                cwd=ROOT,
                env=env,
                check=True,
                capture_output=True,
                text=True,
            )
            figures = json.loads(result.stdout.strip().splitlines()[-1])
            print(f"{args.backend} rows={rows} loaded_in={loaded:.0f}s", json.dumps(figures))


if __name__ == "__main__":
    main()
