"""Changing a table in a migration without SQLite handing out its ids again.

SQLite changes a constraint by copying the table (Alembic's batch mode), and the copy starts
its record of the highest id ever used (``sqlite_sequence``) at the highest id left, so the
id of a deleted newest row would be handed out a second time (see migration 8b5d44d1d003).
"""

from contextlib import contextmanager

import sqlalchemy as sa
from alembic import op

from campaign.models.types import AUTOINCREMENT


@contextmanager
def batch_keeping_ids(table: str):
    """``op.batch_alter_table(table)`` that keeps, on SQLite, the highest id ever used."""
    bind = op.get_bind()
    highest = None
    if bind.dialect.name == "sqlite":
        highest = bind.scalar(
            sa.text("SELECT seq FROM sqlite_sequence WHERE name = :table"), {"table": table}
        )
    with op.batch_alter_table(table, table_kwargs=AUTOINCREMENT) as batch_op:
        yield batch_op
    if highest is not None:
        bind.execute(
            sa.text("UPDATE sqlite_sequence SET seq = max(seq, :highest) WHERE name = :table"),
            {"highest": highest, "table": table},
        )
