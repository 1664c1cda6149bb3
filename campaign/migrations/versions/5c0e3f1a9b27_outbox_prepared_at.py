"""When a worker readied an outbox item to go: the daily confirmation cap counts from it

Revision ID: 5c0e3f1a9b27
Revises: 8eb2bcd32691
Create Date: 2026-12-01 09:20:00.000000

"""

import sqlalchemy as sa
from alembic import op

from campaign.models.types import AUTOINCREMENT

# revision identifiers, used by Alembic.
revision = "5c0e3f1a9b27"
down_revision = "8eb2bcd32691"
branch_labels = None
depends_on = None


def upgrade():
    # A plain ADD COLUMN, not a batch rebuild: on SQLite a rebuild would have to carry the
    # table's AUTOINCREMENT over (see 8b5d44d1d003).
    op.add_column("outbox", sa.Column("prepared_at", sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table("outbox", table_kwargs=AUTOINCREMENT) as batch_op:
        batch_op.drop_column("prepared_at")
