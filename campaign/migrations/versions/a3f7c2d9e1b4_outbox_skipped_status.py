"""Outbox items a worker settled without sending are "skipped", not "delivered"

A confirmation email no longer needed (confirmed, erased or purged before the worker took it
up) or over the inbox's daily cap was marked delivered, with a delivery time, though nothing
went out; a person's data export then listed an email that was never sent.

Revision ID: a3f7c2d9e1b4
Revises: 5c0e3f1a9b27
Create Date: 2026-12-01 11:45:00.000000

"""

from alembic import op

from campaign.models.sqlite_ids import batch_keeping_ids

# revision identifiers, used by Alembic.
revision = "a3f7c2d9e1b4"
down_revision = "5c0e3f1a9b27"
branch_labels = None
depends_on = None

WITH_SKIPPED = "status IN ('pending', 'delivered', 'skipped', 'failed')"
WITHOUT_SKIPPED = "status IN ('pending', 'delivered', 'failed')"


def _replace_status_check(check: str) -> None:
    with batch_keeping_ids("outbox") as batch_op:
        batch_op.drop_constraint(op.f("ck_outbox_outbox_status"), type_="check")
        batch_op.create_check_constraint("outbox_status", check)


def upgrade():
    _replace_status_check(WITH_SKIPPED)


def downgrade():
    # Before this revision a settled item was "delivered", with its time.
    op.execute(
        "UPDATE outbox SET status = 'delivered', delivered_at = created_at WHERE status = 'skipped'"
    )
    _replace_status_check(WITHOUT_SKIPPED)
