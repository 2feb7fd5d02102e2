"""the admin search on PostgreSQL: full-text documents with a GIN index (an empty table on SQLite)

Revision ID: 0011_search_entries
Revises: 0010_build_runs
Create Date: 2026-12-05 16:31:22.793208

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = "0011_search_entries"
down_revision = '0010_build_runs'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('search_entry',
    sa.Column('key', sa.String(length=80), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('object_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=True),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('url', sa.String(length=300), nullable=False),
    sa.Column('document', sa.Text().with_variant(postgresql.TSVECTOR(), 'postgresql'), nullable=True),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_search_entry'))
    )
    with op.batch_alter_table('search_entry', schema=None) as batch_op:
        batch_op.create_index('ix_search_entry_document', ['document'], unique=False, postgresql_using='gin')
        batch_op.create_index(batch_op.f('ix_search_entry_kind'), ['kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_search_entry_organisation_id'), ['organisation_id'], unique=False)



def downgrade():
    with op.batch_alter_table('search_entry', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_search_entry_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_search_entry_kind'))
        batch_op.drop_index('ix_search_entry_document', postgresql_using='gin')

    op.drop_table('search_entry')
