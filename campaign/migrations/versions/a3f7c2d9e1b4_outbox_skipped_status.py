"""Outbox items a worker settled without sending are "skipped", not "delivered"

A confirmation email no longer needed (confirmed, erased or purged before the worker took it
up) or over the inbox's daily cap was marked delivered, with a delivery time, though nothing
went out; a person's data export then listed an email that was never sent.

Revision ID: a3f7c2d9e1b4
Revises: 5c0e3f1a9b27
Create Date: 2026-12-01 11:45:00.000000

"""

import sqlalchemy as sa
from alembic import op

from campaign.models.types import AUTOINCREMENT

# revision identifiers, used by Alembic.
revision = "a3f7c2d9e1b4"
down_revision = "5c0e3f1a9b27"
branch_labels = None
depends_on = None

WITH_SKIPPED = "status IN ('pending', 'delivered', 'skipped', 'failed')"
WITHOUT_SKIPPED = "status IN ('pending', 'delivered', 'failed')"


def _replace_status_check(check: str) -> None:
    """Swap the status CHECK. SQLite rebuilds the table for it, and the copy would restart
    its record of the highest id ever used at the highest id left: kept across the rebuild,
    so an id is still never handed out twice (see 8b5d44d1d003)."""
    bind = op.get_bind()
    sqlite = bind.dialect.name == "sqlite"
    highest = None
    if sqlite:
        highest = bind.scalar(sa.text("SELECT seq FROM sqlite_sequence WHERE name = 'outbox'"))
    with op.batch_alter_table("outbox", table_kwargs=AUTOINCREMENT) as batch_op:
        batch_op.drop_constraint(op.f("ck_outbox_outbox_status"), type_="check")
        batch_op.create_check_constraint("outbox_status", check)
    if highest is not None:
        bind.execute(
            sa.text("UPDATE sqlite_sequence SET seq = max(seq, :highest) WHERE name = 'outbox'"),
            {"highest": highest},
        )


def upgrade():
    _replace_status_check(WITH_SKIPPED)


def downgrade():
    # Before this revision a settled item was "delivered", with its time.
    op.execute(
        "UPDATE outbox SET status = 'delivered', delivered_at = created_at WHERE status = 'skipped'"
    )
    _replace_status_check(WITHOUT_SKIPPED)
