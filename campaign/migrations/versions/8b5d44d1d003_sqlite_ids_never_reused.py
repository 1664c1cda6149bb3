"""SQLite never reuses an id: AUTOINCREMENT on every table with an integer id

Without AUTOINCREMENT, SQLite gives the next row max(id) + 1, so deleting the newest row
(retention, erasure, invalidation tools) hands its id to the next insert, and references
already published (webhooks, OSDI, the outbox's "signature:<id>") name someone else.
SQLite cannot add AUTOINCREMENT to a table in place, so each table is rebuilt (batch mode,
recreate="always"); env.py turns foreign key enforcement off around the migration so that
dropping the old copy of a parent table does not cascade into its children.

PostgreSQL ids come from sequences, which never hand a number out twice: nothing to do.

Revision ID: 8b5d44d1d003
Revises: d041fccc8224
Create Date: 2026-12-01 02:15:00.000000

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "8b5d44d1d003"
down_revision = "d041fccc8224"
branch_labels = None
depends_on = None

TABLES = (
    "campaigns",
    "demands",
    "targets",
    "prisoners",
    "legislation",
    "petitions",
    "people",
    "signatures",
    "signups",
    "api_tokens",
    "webhooks",
    "outbox",
)


def _rebuild(autoincrement: bool) -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for table in TABLES:
        with op.batch_alter_table(
            table, recreate="always", table_kwargs={"sqlite_autoincrement": autoincrement}
        ):
            pass


def upgrade():
    _rebuild(True)


def downgrade():
    _rebuild(False)
