"""Fixtures: a fresh, migrated and seeded database per test, on SQLite or PostgreSQL.

SQLite is the default: each test copies a migrated and seeded file. With DATABASE_URL naming
PostgreSQL, each pytest-xdist worker gets its own database on that server (never the named
one itself), migrated and seeded once, and each test starts from the seeded rows, copied
back. RATELIMIT_STORAGE_URI naming Redis makes the rate limiter use it, with a key prefix
per test (``test-<uuid>``); database 0, where an application keeps its keys unless told
otherwise, is refused (use e.g. ``/15``).

Nothing a run writes lands in the checkout: the instance folder (where an app on SQLite keeps
its generated secret key) and Hypothesis's files go to one temporary folder, shared through
the environment with the xdist workers and the servers the tests start, and removed at the end.
"""

import os
import shutil
import socket
import tempfile
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from hypothesis.configuration import set_hypothesis_home_dir
from redis.connection import parse_url
from sqlalchemy.engine import make_url

from campaign import create_app, seed
from campaign.models.base import db
from campaign.services import seeding
from tests.browsers import browser, page, screenshots  # noqa: F401 - chromium and its output
from tests.delivery import receiver, smtp  # noqa: F401 - local SMTP and HTTP receivers

_OWNS_RUN_DIR = not os.environ.get("CAMPAIGN_TEST_RUN_DIR")
if _OWNS_RUN_DIR:
    os.environ["CAMPAIGN_TEST_RUN_DIR"] = tempfile.mkdtemp(prefix="campaign-tests-")
RUN_DIR = Path(os.environ["CAMPAIGN_TEST_RUN_DIR"])
os.environ["INSTANCE_PATH"] = str(RUN_DIR / "instance")
set_hypothesis_home_dir(RUN_DIR / "hypothesis")

BASE_DATABASE_URL = os.environ.get("DATABASE_URL", "").strip()
RATELIMIT_URI = os.environ.get("RATELIMIT_STORAGE_URI", "").strip() or "memory://"
ON_POSTGRES = BASE_DATABASE_URL.startswith("postgres")
ON_REDIS = RATELIMIT_URI.startswith("redis")


def refuse_application_redis_db(url: str) -> None:
    """Stop the run when ``url`` is a Redis database an application may use (0, the default).

    Test keys carry their own prefix too, but a shared Redis's database 0 is where a running
    deployment keeps its rate-limit counts; tests stay out of it entirely.
    """
    if url.startswith("redis") and not parse_url(url).get("db"):
        raise pytest.UsageError(
            f"RATELIMIT_STORAGE_URI={url} names Redis database 0, where applications keep "
            "their keys; give the tests a database of their own, e.g. redis://127.0.0.1:6379/15"
        )


def pytest_configure(config):
    refuse_application_redis_db(RATELIMIT_URI)


def pytest_unconfigure(config):
    if _OWNS_RUN_DIR:
        shutil.rmtree(RUN_DIR, ignore_errors=True)


def _pg_url(name: str) -> str:
    url = make_url(BASE_DATABASE_URL).set(drivername="postgresql+psycopg", database=name)
    return url.render_as_string(hide_password=False)


def _admin(*statements: str) -> None:
    admin = sa.create_engine(
        _pg_url(make_url(BASE_DATABASE_URL).database or "postgres"), isolation_level="AUTOCOMMIT"
    )
    with admin.connect() as conn:
        for statement in statements:
            conn.execute(sa.text(statement))
    admin.dispose()


def _create_pg_database(name: str) -> str:
    _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', f'CREATE DATABASE "{name}"')
    return _pg_url(name)


def _drop_pg_database(name: str) -> None:
    _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def base_config(database_url: str, **overrides) -> dict:
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "RATELIMIT_STORAGE_URI": RATELIMIT_URI,
        "RATELIMIT_KEY_PREFIX": f"test-{uuid.uuid4().hex}",
        "SIGNATURE_RATE_LIMIT": "1000/minute",
        "SIGNUP_RATE_LIMIT": "1000/minute",
        "OUTREACH_RATE_LIMIT": "1000/minute",
        # The shipped congressional data is as of 2026-06-15; its House terms end in 2027.
        "TARGETS_TODAY": "2026-06-15",
    }
    config.update(overrides)
    return config


def migrate(app) -> None:
    with app.app_context():
        command.upgrade(app.extensions["migrate"].migrate.get_config(), "head")
        # Closing the last SQLite connection folds the WAL into the file that tests copy.
        db.engine.dispose()


@pytest.fixture(scope="session")
def template_database(tmp_path_factory):
    """The migrated and seeded database every test starts from: on SQLite a file each test
    copies; on PostgreSQL one database per test process, put back to its seeded rows by each
    test (``_reset``)."""
    if ON_POSTGRES:
        # One database per test process, so that parallel runs never share or drop each other's.
        name = f"campaign_test_{os.getpid()}"
        url = _create_pg_database(name)
    else:
        url = "sqlite:///" + str(tmp_path_factory.mktemp("template") / "template.sqlite3")
    app = create_app(base_config(url))
    migrate(app)
    with app.app_context():
        for path in seed.campaign_files():
            seeding.load_campaign(seed.read(path))
        db.session.commit()
        if ON_POSTGRES:
            _RESET.append(_snapshot())
        # On SQLite, closing the last connection folds the WAL into the file tests copy.
        db.engine.dispose()
    yield url
    if ON_POSTGRES:
        _drop_pg_database(name)


# The statement that puts a PostgreSQL test database back to its seeded rows.
_RESET: list = []


def _snapshot():
    """Copy the seeded rows and sequence positions into a schema of their own; the one
    statement that empties the tables and restores them from it (``_reset``).

    A test leaves a handful of rows: emptying the tables with DELETE and copying the seed
    back takes about 3 ms, where TRUNCATE (which replaces each table's and index's files)
    took about 60 and seeding again 25 more.
    """
    tables = [t.name for t in db.metadata.sorted_tables]
    copies = [f'CREATE TABLE seed."{t}" AS SELECT * FROM "{t}"' for t in tables]
    db.session.execute(sa.text(";\n".join(["CREATE SCHEMA seed", *copies])))
    sequences = db.session.execute(
        sa.text("SELECT schemaname, sequencename, last_value FROM pg_sequences")
    ).all()
    db.session.commit()
    positions = [
        f'SELECT setval(\'"{schema}"."{name}"\', {value or 1}, {value is not None})'
        for schema, name, value in sequences
    ]
    return sa.text(
        ";\n".join(
            [f'DELETE FROM "{t}"' for t in reversed(tables)]
            + [f'INSERT INTO "{t}" SELECT * FROM seed."{t}"' for t in tables]
            + positions
        )
    )


def _reset() -> None:
    db.session.execute(_RESET[0])
    db.session.commit()


@pytest.fixture
def database_url(template_database, tmp_path):
    if ON_POSTGRES:
        return template_database
    path = tmp_path / "campaign.sqlite3"
    shutil.copyfile(make_url(template_database).database, path)
    return f"sqlite:///{path}"


@pytest.fixture
def make_app(database_url):
    """Build an app on this test's freshly seeded database, with config overrides.

    Apps made in one test share its database, as gunicorn workers would.
    """
    apps = []

    def factory(**overrides):
        app = create_app(base_config(database_url, **overrides))
        if not apps and ON_POSTGRES:
            with app.app_context():
                _reset()
        apps.append(app)
        return app

    yield factory
    for app in apps:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def dead_redis_url():
    """A Redis URL on a port that is bound but not listening: connections are refused, and no
    other process can take the port while the test runs."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        yield f"redis://127.0.0.1:{sock.getsockname()[1]}/0"


@pytest.fixture
def app_without_database(make_app):
    """An app whose database cannot be reached (nothing listens on port 1)."""
    make_app()  # the test's seeded database, so that this app is the one that differs
    return make_app(
        SQLALCHEMY_DATABASE_URI="postgresql+psycopg://postgres@127.0.0.1:1/none",
        SQLALCHEMY_ENGINE_OPTIONS={"connect_args": {"connect_timeout": 2}},
        PROPAGATE_EXCEPTIONS=False,
    )


@pytest.fixture
def app(make_app):
    return make_app()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def app_ctx(app):
    with app.app_context():
        yield app
