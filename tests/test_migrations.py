"""Alembic migrations build the whole schema from empty, match the models, and undo cleanly."""

import os

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from campaign import create_app
from campaign.models.base import db
from tests.conftest import ON_POSTGRES, _create_pg_database, _drop_pg_database, base_config


@pytest.fixture
def empty_database_url(tmp_path):
    if ON_POSTGRES:
        name = f"campaign_migrate_{os.getpid()}"
        yield _create_pg_database(name)
        _drop_pg_database(name)
    else:
        yield f"sqlite:///{tmp_path / 'empty.sqlite3'}"


@pytest.fixture
def alembic_config(empty_database_url):
    """Alembic's config for an app on the empty database, inside that app's context."""
    app = create_app(base_config(empty_database_url))
    with app.app_context():
        yield app.extensions["migrate"].migrate.get_config()
        db.engine.dispose()


def _tables(app) -> set[str]:
    return set(sa.inspect(db.engine).get_table_names()) - {"alembic_version"}


def test_upgrade_from_empty_matches_models_and_downgrade_removes_everything(empty_database_url):
    app = create_app(base_config(empty_database_url))
    with app.app_context():
        config = app.extensions["migrate"].migrate.get_config()
        command.upgrade(config, "head")
        assert _tables(app) == set(db.metadata.tables)
        with db.engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), db.metadata)
        assert diff == [], f"models and migrations differ: {diff}"
        command.downgrade(config, "base")
        assert _tables(app) == set()
        command.upgrade(config, "head")
        assert _tables(app) == set(db.metadata.tables)
        assert _ids_never_reused(app) == _integer_id_tables()
        db.engine.dispose()


def _integer_id_tables() -> set[str]:
    return {
        table.name
        for table in db.metadata.tables.values()
        if "id" in table.c and table.c.id.primary_key and table.c.id.autoincrement
    }


def _ids_never_reused(app) -> set[str]:
    """Tables whose ids the database never hands out twice: AUTOINCREMENT on SQLite,
    a sequence (which never goes back) on PostgreSQL."""
    with db.engine.connect() as conn:
        if conn.dialect.name == "sqlite":
            rows = conn.exec_driver_sql("SELECT name, sql FROM sqlite_master WHERE type = 'table'")
            return {name for name, sql in rows if "AUTOINCREMENT" in sql}
        return {
            name
            for name in _integer_id_tables()
            if conn.scalar(sa.text("SELECT pg_get_serial_sequence(:t, 'id')"), {"t": name})
        }


def _add_outbox_item(conn, key: str, status: str = "delivered") -> int:
    return conn.scalar(
        sa.text(
            "INSERT INTO outbox (kind, idempotency_key, payload, ref, status, attempts, "
            "last_error, next_attempt_at, claimed_by, created_at) VALUES ('webhook', :key, "
            "'{}', '', :status, 1, '', CURRENT_TIMESTAMP, '', CURRENT_TIMESTAMP) RETURNING id"
        ),
        {"key": key, "status": status},
    )


def _add_then_drop_the_newest(conn, keys: str) -> int:
    """Add three outbox items and delete the newest, as erasing a person's queue may: the
    deleted id, which must never be handed out again."""
    ids = [_add_outbox_item(conn, f"{keys}{n}") for n in range(3)]
    conn.execute(sa.text("DELETE FROM outbox WHERE id = :id"), {"id": ids[-1]})
    return ids[-1]


def test_adding_the_letter_kind_keeps_outbox_ids_unique_both_ways(alembic_config):
    config = alembic_config
    command.upgrade(config, "8b5d44d1d003")
    with db.engine.begin() as conn:
        deleted = _add_then_drop_the_newest(conn, "before")
    command.upgrade(config, "8eb2bcd32691")
    with db.engine.begin() as conn:
        assert _add_outbox_item(conn, "upgraded") > deleted
        deleted = _add_then_drop_the_newest(conn, "after")
    command.downgrade(config, "8b5d44d1d003")
    with db.engine.begin() as conn:
        assert _add_outbox_item(conn, "downgraded") > deleted


def test_the_skipped_status_keeps_outbox_ids_unique_and_downgrades_to_delivered(
    alembic_config,
):
    config = alembic_config
    command.upgrade(config, "5c0e3f1a9b27")
    with db.engine.begin() as conn:
        deleted = _add_then_drop_the_newest(conn, "k")
        with pytest.raises(sa.exc.IntegrityError), conn.begin_nested():
            _add_outbox_item(conn, "early", status="skipped")
    command.upgrade(config, "a3f7c2d9e1b4")
    with db.engine.begin() as conn:
        skipped = _add_outbox_item(conn, "k3", status="skipped")
    assert skipped > deleted
    command.downgrade(config, "5c0e3f1a9b27")
    with db.engine.connect() as conn:
        row = conn.execute(
            sa.text("SELECT status, delivered_at FROM outbox WHERE id = :id"), {"id": skipped}
        ).one()
    assert row.status == "delivered" and row.delivered_at is not None
