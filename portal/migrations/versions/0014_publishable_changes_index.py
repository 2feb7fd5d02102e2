"""an index on (updated_at, publish_at) of every publishable table: what a publishing worker reads each time

Revision ID: 0014_publishable_changes_index
Revises: 0013_applications_mail_matching
Create Date: 2026-12-05 23:10:00

"""
from alembic import op

revision = "0014_publishable_changes_index"
down_revision = "0013_applications_mail_matching"
branch_labels = None
depends_on = None

TABLES = ("roadmap", "case", "news_item", "event", "page", "media_file")


def upgrade():
    for table in TABLES:
        op.create_index(f"ix_{table}_changes", table, ["updated_at", "publish_at"])


def downgrade():
    for table in TABLES:
        op.drop_index(f"ix_{table}_changes", table_name=table)
