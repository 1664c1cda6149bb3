"""When a worker readied an outbox item to go: the daily confirmation cap counts from it

Revision ID: 5c0e3f1a9b27
Revises: 8eb2bcd32691
Create Date: 2026-12-01 09:20:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "5c0e3f1a9b27"
down_revision = "8eb2bcd32691"
branch_labels = None
depends_on = None


def upgrade():
    # Plain ADD and DROP COLUMN, not a batch rebuild: on SQLite a rebuild loses the table's
    # record of the highest id ever used, and ids would be handed out again (8b5d44d1d003).
    op.add_column("outbox", sa.Column("prepared_at", sa.DateTime(timezone=True), nullable=True))


def downgrade():
    op.drop_column("outbox", "prepared_at")
