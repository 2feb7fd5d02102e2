"""each pairing keeps the date of its last meeting, and an index in the order of the dashboard's «давно не
встречались»: the list no longer reads every meeting of the region

Revision ID: 0019_pairing_last_meeting
Revises: 0018_public_rows_index
Create Date: 2026-12-06 11:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = "0019_pairing_last_meeting"
down_revision = "0018_public_rows_index"
branch_labels = None
depends_on = None

SINCE = "coalesce(last_meeting_on, starts_on, order_date, date(created_at))"


def upgrade():
    # Not in a batch: on SQLite a batch copies the table and drops the old one, and with foreign keys on that drop
    # deletes every meeting and goal of the pairings (ON DELETE CASCADE). SQLite adds and drops a column itself.
    op.add_column("pairing", sa.Column("last_meeting_on", sa.Date(), nullable=True))
    op.execute("UPDATE pairing SET last_meeting_on = "
               "(SELECT max(meeting.held_on) FROM meeting WHERE meeting.pairing_id = pairing.id)")
    op.create_index("ix_pairing_quiet", "pairing", [sa.text(SINCE), "id"])
    bind = op.get_bind()
    # The planner's statistics of the new index where the database keeps them already (as 0018 says why).
    if bind.dialect.name != "sqlite" or bind.exec_driver_sql(
            "SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'").first() is not None:
        bind.exec_driver_sql("ANALYZE pairing")


def downgrade():
    op.drop_index("ix_pairing_quiet", table_name="pairing")
    op.drop_column("pairing", "last_meeting_on")
