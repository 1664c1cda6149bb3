"""Whether the database schema is at the migrations' head: what "ready" means for /readyz.

A fresh instance folder gives SQLite an empty file that answers ``SELECT 1`` happily while
every API call fails, so reachability alone is not readiness. Once the schema has been seen
at head the answer is kept for the life of the process: migrations only move forward under
a running server, and the check then costs nothing.
"""

from alembic.script import ScriptDirectory
from flask import current_app
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from campaign.models.base import db

UPGRADE_COMMAND = "flask --app wsgi db upgrade"


def _heads() -> set[str]:
    config = current_app.extensions["migrate"].migrate.get_config()
    return set(ScriptDirectory.from_config(config).get_heads())


def _applied() -> set[str]:
    try:
        return set(db.session.scalars(text("SELECT version_num FROM alembic_version")))
    except SQLAlchemyError:
        # No alembic_version table: nothing was ever migrated here.
        db.session.rollback()
        return set()


def at_head() -> bool:
    """True when the database carries exactly the migrations' head revision(s)."""
    state = current_app.extensions.setdefault("schema_state", {})
    if state.get("at_head"):
        return True
    state["at_head"] = _applied() == _heads()
    return state["at_head"]
