"""user session salt: logging out ends the user's sessions

Revision ID: 0006_user_session_salt
Revises: 0005_workflow_history_audit
Create Date: 2026-11-24 10:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006_user_session_salt'
down_revision = '0005_workflow_history_audit'
branch_labels = None
depends_on = None


def upgrade():
    # An empty salt keeps the session token of existing users as it was: nobody is logged out by the upgrade.
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_salt', sa.String(length=32), server_default='', nullable=False))


def downgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('session_salt')
