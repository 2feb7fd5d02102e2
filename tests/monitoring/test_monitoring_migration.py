"""Migration 0007_monitoring: up adds the monitoring tables and columns, down removes them and keeps the rest."""
from __future__ import annotations

import pytest

import sqlalchemy as sa
from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade

from portal import MIGRATIONS_DIR
from portal.extensions import db

# The database matters here: run on PostgreSQL too (conftest's docstring).
pytestmark = pytest.mark.both_databases

TABLES = {"questionnaire", "question", "questionnaire_response", "answer", "meeting", "plan_goal", "mentor_award",
          "program_organisation"}
COLUMNS = {"pupils_count", "teachers_count", "cluster"}


def tables() -> set[str]:
    return set(sa.inspect(db.engine).get_table_names())


def organisation_columns() -> set[str]:
    return {column["name"] for column in sa.inspect(db.engine).get_columns("organisation")}


def test_monitoring_migration_up_down_up(make_app):
    app = make_app(create_tables=False)
    with app.app_context():
        before = ScriptDirectory(str(MIGRATIONS_DIR)).get_revision("0007_monitoring").down_revision
        upgrade()
        assert TABLES <= tables() and COLUMNS <= organisation_columns()
        with db.engine.begin() as connection:
            connection.execute(sa.text("INSERT INTO organisation (name, short_name, slug, kind, municipality, address, "
                                       "website, email, phone, description_md, description_html, version, created_at, "
                                       "updated_at, pupils_count, cluster) VALUES ('Школа', 'Школа', 'shkola', "
                                       "'school', '', '', '', '', '', '', '', 1, '2026-01-01', '2026-01-01', 300, "
                                       "'low')"))
            connection.execute(sa.text("INSERT INTO questionnaire (organisation_id, title, intro, audience, stage, "
                                       "template, token, publish_results, version, created_at, updated_at) SELECT id, "
                                       "'Анкета', '', 'all', 'final', '', 'token-token-token-1', false, 1, "
                                       "'2026-01-01', '2026-01-01' FROM organisation"))
        downgrade(revision=before)
        assert not TABLES & tables() and not COLUMNS & organisation_columns()
        with db.engine.connect() as connection:
            assert connection.execute(sa.text("SELECT short_name FROM organisation")).scalar() == "Школа"
        upgrade()
        assert TABLES <= tables() and COLUMNS <= organisation_columns()
