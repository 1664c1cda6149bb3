"""The least a signature can cost on this stack: the second yardstick of bench/signatures.py.

What issue 12 called "a minimal implementation of the same signing work": plain Flask, the
body validated by a marshmallow schema and email-validator, one Redis increment per request,
and the project's own signature statement (``write_statements.SIGN``: person, signature,
membership and every counter, one round trip) run alone with a durable commit, on one
psycopg connection per thread. Everything else the service does on a signature (request
checks, CORS and security headers, request ids, metrics, rate-limit windows and headers,
idempotency keys, webhooks, milestones, confirmation) is left out, so its figure against
bare Flask's is the ceiling the service's ratio can approach on the machine the bench runs
on. Served by gunicorn from this directory; DATABASE_URL and BENCH_MINIMAL_REDIS_URL set.
"""

import hashlib
import os
import sys
import threading
from datetime import UTC, datetime
from pathlib import Path

import marshmallow as ma
import psycopg
import redis
from email_validator import EmailNotValidError, validate_email
from flask import Flask, abort, request
from sqlalchemy.dialects import postgresql

# This checkout's statement, whichever checkout the virtualenv has installed.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from campaign.services import write_statements
from campaign.services.counters import hour_key
from campaign.services.emails import canonical_email

SQL = str(write_statements.SIGN.compile(dialect=postgresql.psycopg.dialect()))
DATABASE_URL = os.environ["DATABASE_URL"].replace("postgresql+psycopg://", "postgresql://")
SHARDS = int(os.environ.get("COUNTER_SHARDS", "8"))


class Signature(ma.Schema):
    given_name = ma.fields.String(required=True, validate=ma.validate.Length(1, 100))
    family_name = ma.fields.String(load_default="", validate=ma.validate.Length(0, 100))
    email = ma.fields.String(required=True, validate=ma.validate.Length(1, 320))
    postal_code = ma.fields.String(load_default="", validate=ma.validate.Length(0, 20))
    country = ma.fields.String(load_default="", validate=ma.validate.Length(0, 2))
    region = ma.fields.String(load_default="", validate=ma.validate.Length(0, 100))
    consent = ma.fields.Boolean(load_default=False)
    source = ma.fields.String(load_default="", validate=ma.validate.Length(0, 64))
    comment = ma.fields.String(load_default="", validate=ma.validate.Length(0, 1000))


schema = Signature()
app = Flask(__name__)
limits = redis.Redis.from_url(os.environ["BENCH_MINIMAL_REDIS_URL"])
connections = threading.local()


def connection() -> psycopg.Connection:
    conn = getattr(connections, "conn", None)
    if conn is None:
        conn = connections.conn = psycopg.connect(DATABASE_URL, autocommit=True)
    return conn


@app.post("/api/v1/petitions/<slug>/signatures")
def sign(slug: str):
    details = schema.load(request.get_json())
    try:
        email = validate_email(details["email"], check_deliverability=False).normalized
    except EmailNotValidError:
        abort(422)
    count = limits.incr(f"minimal:{request.remote_addr}")
    now = datetime.now(UTC)
    row = (
        connection()
        .execute(
            SQL,
            {
                **details,
                "email": email,
                "email_canonical": canonical_email(email),
                "referrer": "",
                "ip_hash": hashlib.sha256(request.remote_addr.encode()).hexdigest(),
                "now": now,
                "hour": hour_key(now),
                "slug": slug,
                "alone": True,
                "shard": count % SHARDS,
            },
        )
        .fetchone()
    )
    if row is None:
        abort(404)
    return {"petition": slug, "goal": row[2]}, 201
