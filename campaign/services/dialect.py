"""What differs between PostgreSQL and SQLite (the INSERT that can say ON CONFLICT), and
turning to autocommit on PostgreSQL."""

from contextlib import contextmanager
from functools import lru_cache

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


@lru_cache(maxsize=32)
def _driver_text(statement, dialect) -> str:
    return str(statement.compile(dialect=dialect))


def run_alone(statement, params: dict):
    """Run one fixed ``text()`` statement, all its parameters given, on PostgreSQL as its
    own transaction (autocommit); its first row as a tuple, or None.

    Straight on the driver's connection, borrowed from the engine's pool: on the busiest
    writes SQLAlchemy's connection, execution context and result wrapping cost more CPU than
    psycopg's whole round trip. psycopg prepares the statement on the server after a few
    uses. Errors are raised as SQLAlchemy raises them (parameters hidden when the engine
    hides them); a dropped connection is a 503, and it and every connection pooled before
    it are discarded, as SQLAlchemy's own disconnect handling does.
    """
    engine = db.engine
    sql = _driver_text(statement, engine.dialect)
    pooled = engine.raw_connection()
    driver = pooled.driver_connection
    try:
        try:
            driver.autocommit = True
            return driver.execute(sql, params).fetchone()
        finally:
            _lend_back(pooled, driver)
    except engine.dialect.loaded_dbapi.Error as error:
        gone = engine.dialect.is_disconnect(error, driver, None)
        if gone:
            # The pool's own step (private, pinned by tests/test_api_ops.py): connections
            # made before this one are as dead after a database restart, and are replaced
            # on their next checkout instead of failing a request each.
            engine.pool._invalidate(pooled, error)  # noqa: SLF001
        raise DBAPIError.instance(
            sql,
            params,
            error,
            engine.dialect.loaded_dbapi.Error,
            hide_parameters=engine.hide_parameters,
            connection_invalidated=gone,
            dialect=engine.dialect,
        ) from error
    finally:
        pooled.close()


def _lend_back(pooled, driver) -> None:
    """Turn autocommit off again, as the pool lent the connection; a connection that cannot
    be (dropped, or caught mid-statement) leaves the pool instead. Never raises: the
    statement's own outcome is what the caller hears about."""
    if pooled.is_valid and not (driver.closed or driver.broken):
        try:
            driver.autocommit = False
            return
        except Exception:  # noqa: BLE001, S110 - leaves the pool below, whatever it was
            pass
    if pooled.is_valid:
        pooled.invalidate()
