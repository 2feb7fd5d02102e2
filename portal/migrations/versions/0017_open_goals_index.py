"""an index of the open plan goals by deadline: the dashboard's overdue goals

Revision ID: 0017_open_goals_index
Revises: 0016_search_rank_document
Create Date: 2026-12-06 06:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = "0017_open_goals_index"
down_revision = "0016_search_rank_document"
branch_labels = None
depends_on = None


def upgrade():
    # The predicate as the query writes it (PlanGoal.done.is_(False)), so that each database sees that the
    # query's rows are in the index.
    op.create_index("ix_plan_goal_open", "plan_goal", ["deadline", "id"], sqlite_where=sa.text("done IS 0"),
                    postgresql_where=sa.text("done IS false"))


def downgrade():
    op.drop_index("ix_plan_goal_open", table_name="plan_goal")
