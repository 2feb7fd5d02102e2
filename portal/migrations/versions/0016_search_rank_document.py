"""the admin search on PostgreSQL ranks by a short document (the title and the body's first characters)

Revision ID: 0016_search_rank_document
Revises: 0015_admin_list_indexes
Create Date: 2026-12-06 05:40:00

"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0016_search_rank_document"
down_revision = "0015_admin_list_indexes"
branch_labels = None
depends_on = None

LEAD_CHARS = 400  # postgres_engine.LEAD_CHARS when this revision was written


def upgrade():
    with op.batch_alter_table("search_entry", schema=None) as batch_op:
        batch_op.add_column(sa.Column("rank_document", sa.Text().with_variant(postgresql.TSVECTOR(), "postgresql"),
                                      nullable=True))
    if op.get_bind().dialect.name == "postgresql":  # on SQLite the table stays empty (Whoosh is the engine)
        op.execute("UPDATE search_entry SET rank_document = "
                   "setweight(to_tsvector('russian'::regconfig, title), 'A') || "
                   f"setweight(to_tsvector('russian'::regconfig, left(body, {LEAD_CHARS})), 'B')")


def downgrade():
    with op.batch_alter_table("search_entry", schema=None) as batch_op:
        batch_op.drop_column("rank_document")
