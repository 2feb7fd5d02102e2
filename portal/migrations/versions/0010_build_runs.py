"""publishing on the job queue: build runs and the one build lock of the portal

Revision ID: 0010_build_runs
Revises: 0009_documents
Create Date: 2026-12-05 16:21:11.880142

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0010_build_runs"
down_revision = '0009_documents'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('build_run',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.String(length=40), nullable=False),
    sa.Column('full', sa.Boolean(), nullable=False),
    sa.Column('requested_by', sa.String(length=200), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('started_at', sa.DateTime(), nullable=False),
    sa.Column('finished_at', sa.DateTime(), nullable=True),
    sa.Column('host', sa.String(length=200), nullable=False),
    sa.Column('pages_done', sa.Integer(), nullable=False),
    sa.Column('pages_total', sa.Integer(), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('details', sa.Text(), nullable=False),
    sa.Column('report', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_build_run'))
    )
    with op.batch_alter_table('build_run', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_build_run_started_at'), ['started_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_build_run_status'), ['status'], unique=False)

    op.create_table('build_state',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=True),
    sa.Column('heartbeat_at', sa.DateTime(), nullable=True),
    sa.Column('requested', sa.Boolean(), nullable=False),
    sa.Column('requested_reason', sa.String(length=40), nullable=False),
    sa.Column('requested_full', sa.Boolean(), nullable=False),
    sa.Column('requested_by', sa.String(length=200), nullable=False),
    sa.Column('checked_at', sa.DateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_build_state'))
    )


def downgrade():
    op.drop_table('build_state')
    with op.batch_alter_table('build_run', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_build_run_status'))
        batch_op.drop_index(batch_op.f('ix_build_run_started_at'))

    op.drop_table('build_run')
