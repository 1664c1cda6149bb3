"""What differs between PostgreSQL and SQLite: the INSERT that can say ON CONFLICT."""

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from campaign.models.base import db


def insert(table):
    """``insert(table)`` with ``on_conflict_do_*`` for PostgreSQL or SQLite."""
    return (pg_insert if db.engine.dialect.name == "postgresql" else sqlite_insert)(table)
