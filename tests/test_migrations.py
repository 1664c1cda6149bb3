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
