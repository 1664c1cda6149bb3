"""What the rate limiter costs per request, in process: Redis round trips and microseconds.

    python bench/ratelimit.py                   # --redis redis://127.0.0.1:6379/0 --requests 2000

Builds the app on a throwaway SQLite file with the limiter on Redis, limits raised so that
nothing is refused, and measures two things with werkzeug's test client (no network, no
gunicorn), so that only the app's own work is timed:

- Redis commands sent per request (a counting wrapper around redis-py's connection), for a
  signature, a signature with ``X-Widget-Key``, ``GET /healthz`` and ``GET`` a petition;
- time per request of ``GET /healthz`` (all middleware, no limit) and of the limiter call
  alone on a signature (cProfile's cumulative time in the limiter's entry points).

Run it against another checkout with ``PYTHONPATH=<checkout>`` to compare before and after.
"""

import argparse
import cProfile
import pstats
import sys
import tempfile
import time
import uuid
from pathlib import Path

import redis.connection

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from alembic import command  # noqa: E402

from campaign import create_app, seed  # noqa: E402
from campaign.models.base import db  # noqa: E402
from campaign.services import seeding  # noqa: E402

SIGN = "/api/v1/petitions/release-the-prisoners/signatures"
# The limiter's own work: flask-limiter's request hooks (before), or the counting and the
# headers of campaign.ratelimit (after); each file's functions, not the view they wrap.
LIMITER_FUNCTIONS = {
    "flask_limiter/_extension.py": ("_check_request_limit", "__inject_headers"),
    "campaign/ratelimit/__init__.py": ("hit", "headers", "refund", "_organizer"),
}


def build(redis_url: str, directory: str):
    app = create_app(
        {
            "SECRET_KEY": "bench",
            "LOG_LEVEL": "WARNING",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{directory}/bench.sqlite3",
            "RATELIMIT_STORAGE_URI": redis_url,
            "RATELIMIT_KEY_PREFIX": f"bench-{uuid.uuid4().hex}",
            "SIGNATURE_RATE_LIMIT": "1000000/minute;10000000/hour",
            "WIDGET_RATE_LIMIT": "1000000/minute",
        }
    )
    with app.app_context():
        command.upgrade(app.extensions["migrate"].migrate.get_config(), "head")
        for path in seed.campaign_files():
            seeding.load_campaign(seed.read(path))
        db.session.commit()
    return app


def count_commands():
    sent = []
    original = redis.connection.AbstractConnection.send_packed_command

    def counting(self, packed, check_health=True):
        sent.append(packed)
        return original(self, packed, check_health)

    redis.connection.AbstractConnection.send_packed_command = counting
    return sent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/0")
    parser.add_argument("--requests", type=int, default=2000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        app = build(args.redis, directory)
        client = app.test_client()
        sent = count_commands()

        def sign(n, **headers):
            body = {"given_name": "Bench", "email": f"bench{n}@example.org"}
            return client.post(SIGN, json=body, headers=headers)

        sign(0, **{"X-Widget-Key": "warm"})  # connect and load scripts
        cases = {
            "signature": lambda n: sign(n),
            "signature with X-Widget-Key": lambda n: sign(n, **{"X-Widget-Key": "partner"}),
            "GET /healthz": lambda n: client.get("/healthz"),
            "GET petition": lambda n: client.get("/api/v1/petitions/release-the-prisoners"),
        }
        print("Redis commands per request:")
        for n, (name, call) in enumerate(cases.items()):
            del sent[:]
            for i in range(20):
                call(1000 * (n + 1) + i)
            print(f"  {name:30} {len(sent) / 20:.1f}")

        started = time.perf_counter()
        for _ in range(args.requests):
            client.get("/healthz")
        per_health = (time.perf_counter() - started) / args.requests * 1e6
        print(f"GET /healthz in process: {per_health:.0f} us per request")

        profile = cProfile.Profile()
        profile.enable()
        for i in range(args.requests // 4):
            sign(100000 + i)
        profile.disable()
        stats = pstats.Stats(profile)
        limiter = sum(
            row[3]
            for (filename, _, function), row in stats.stats.items()
            for suffix, functions in LIMITER_FUNCTIONS.items()
            if filename.endswith(suffix) and function in functions
        )
        print(f"limiter per signature (cProfile): {limiter / (args.requests // 4) * 1e6:.0f} us")


if __name__ == "__main__":
    main()
