"""the trash: deleted cases, news, events and pages kept for TRASH_DAYS, restorable

Revision ID: 0012_trash
Revises: 0011_search_entries
Create Date: 2026-12-05 18:50:00

"""
from alembic import op
import sqlalchemy as sa

revision = "0012_trash"
down_revision = "0011_search_entries"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "trash_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("object_kind", sa.String(length=40), nullable=False),
        sa.Column("object_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=400), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(), nullable=False),
        sa.Column("deleted_by_id", sa.Integer(), nullable=True),
        sa.Column("deleted_by_email", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_trash_item")),
    )
    with op.batch_alter_table("trash_item", schema=None) as batch_op:
        batch_op.create_index("ix_trash_item_object", ["object_kind", "object_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_trash_item_organisation_id"), ["organisation_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_trash_item_deleted_at"), ["deleted_at"], unique=False)


def downgrade():
    op.drop_table("trash_item")
