"""indexes for the admin's dashboard: rows scheduled next, mentees in the order of the list, a person's pairings,
each pairing's last meeting

Revision ID: 0015_admin_list_indexes
Revises: 0014_publishable_changes_index
Create Date: 2026-12-06 00:40:00

"""
import sqlalchemy as sa
from alembic import op

revision = "0015_admin_list_indexes"
down_revision = "0014_publishable_changes_index"
branch_labels = None
depends_on = None

PUBLISHABLE = ("roadmap", "case", "news_item", "event", "page", "media_file")


def upgrade():
    for table in PUBLISHABLE:
        op.create_index(f"ix_{table}_scheduled", table, ["status", "publish_at"])
    op.create_index("ix_person_since", "person", [sa.text("coalesce(joined_on, date(created_at))"), "full_name"])
    op.create_index("ix_pairing_mentee_person", "pairing_mentee", ["person_id"])
    op.create_index("ix_meeting_pairing_held", "meeting", ["pairing_id", "held_on"])
    op.drop_index("ix_meeting_pairing_id", table_name="meeting")  # the new one serves its lookups


def downgrade():
    op.create_index("ix_meeting_pairing_id", "meeting", ["pairing_id"])
    op.drop_index("ix_meeting_pairing_held", table_name="meeting")
    op.drop_index("ix_pairing_mentee_person", table_name="pairing_mentee")
    op.drop_index("ix_person_since", table_name="person")
    for table in PUBLISHABLE:
        op.drop_index(f"ix_{table}_scheduled", table_name=table)
