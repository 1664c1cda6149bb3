"""Alembic migrations build the whole schema from empty, match the models, and undo cleanly."""

import os

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from campaign import create_app
from campaign.extensions import db
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
        db.engine.dispose()
