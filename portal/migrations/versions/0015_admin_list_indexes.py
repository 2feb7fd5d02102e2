"""indexes for the admin's dashboard: rows scheduled next, mentees, active pairings, each pairing's last meeting

Revision ID: 0015_admin_list_indexes
Revises: 0014_publishable_changes_index
Create Date: 2026-12-06 00:40:00

"""
from alembic import op

revision = "0015_admin_list_indexes"
down_revision = "0014_publishable_changes_index"
branch_labels = None
depends_on = None

PUBLISHABLE = ("roadmap", "case", "news_item", "event", "page", "media_file")


def upgrade():
    for table in PUBLISHABLE:
        op.create_index(f"ix_{table}_scheduled", table, ["status", "publish_at"])
    op.create_index("ix_person_role_role", "person_role", ["role", "person_id"])
    op.create_index("ix_pairing_status", "pairing", ["status"])
    op.create_index("ix_meeting_pairing_held", "meeting", ["pairing_id", "held_on"])


def downgrade():
    op.drop_index("ix_meeting_pairing_held", table_name="meeting")
    op.drop_index("ix_pairing_status", table_name="pairing")
    op.drop_index("ix_person_role_role", table_name="person_role")
    for table in PUBLISHABLE:
        op.drop_index(f"ix_{table}_scheduled", table_name=table)
