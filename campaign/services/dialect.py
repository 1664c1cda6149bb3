"""What differs between PostgreSQL and SQLite (the INSERT that can say ON CONFLICT), and
turning to autocommit on PostgreSQL."""

from contextlib import contextmanager

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import OperationalError

from campaign.models.base import db


def insert(table):
    """``insert(table)`` with ``on_conflict_do_*`` for PostgreSQL or SQLite."""
    return (pg_insert if db.engine.dialect.name == "postgresql" else sqlite_insert)(table)


@contextmanager
def autocommit_errors():
    """Report a driver error raised while a connection turns to autocommit as SQLAlchemy
    reports a dropped connection (503, and a read may retry).

    Setting the isolation level reaches the driver outside SQLAlchemy's error wrapping, so a
    pooled connection the database has dropped shows up as the driver's own error, which
    would otherwise be a 500.
    """
    try:
        yield
    except db.engine.dialect.loaded_dbapi.Error as error:
        raise OperationalError("SET autocommit", None, error, connection_invalidated=True) from (
            error
        )
