"""What differs between PostgreSQL and SQLite (the INSERT that can say ON CONFLICT), and
turning to autocommit on PostgreSQL."""

from contextlib import contextmanager
from functools import cache

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import DBAPIError, OperationalError

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


@cache
def _driver_text(statement, dialect) -> str:
    return str(statement.compile(dialect=dialect))


def run_alone(statement, params: dict):
    """Run one fixed ``text()`` statement on PostgreSQL as its own transaction (autocommit);
    its first row, or None.

    Straight on the driver's connection, borrowed from the engine's pool: on the busiest
    writes SQLAlchemy's connection, execution context and result wrapping cost more CPU than
    psycopg's whole round trip. psycopg prepares the statement on the server after a few
    uses. A driver error is raised as SQLAlchemy would raise it, so a dropped connection is
    a 503 and leaves the pool.
    """
    engine = db.engine
    sql = _driver_text(statement, engine.dialect)
    pooled = engine.raw_connection()
    try:
        driver = pooled.driver_connection
        driver.autocommit = True
        try:
            return driver.execute(sql, params).fetchone()
        finally:
            driver.autocommit = False
    except engine.dialect.loaded_dbapi.Error as error:
        gone = engine.dialect.is_disconnect(error, pooled, None) or pooled.driver_connection.closed
        if gone:
            pooled.invalidate(error)
        raise DBAPIError.instance(
            sql,
            params,
            error,
            engine.dialect.loaded_dbapi.Error,
            connection_invalidated=gone,
            dialect=engine.dialect,
        ) from error
    finally:
        pooled.close()
