"""Migration 0009_documents: up adds the templates table and the head's and birth date columns; down removes them
and keeps the rows (organisations referenced by other rows included)."""
from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from portal.extensions import db

pytestmark = pytest.mark.both_databases


def columns(table: str) -> set[str]:
    return {column["name"] for column in sa.inspect(db.engine).get_columns(table)}


def test_documents_migration_up_down_up(make_app):
    app = make_app(create_tables=False)
    with app.app_context():
        upgrade(revision="0009_documents")
        assert "document_template" in sa.inspect(db.engine).get_table_names()
        assert {"head_name", "head_position"} <= columns("organisation") and "birth_date" in columns("person")
        with db.engine.begin() as connection:
            connection.execute(sa.text(
                "INSERT INTO organisation (name, short_name, slug, kind, municipality, address, website, email, phone, "
                "description_md, description_html, version, created_at, updated_at, head_name, head_position) "
                "VALUES ('Школа', 'Школа', 'shkola', 'school', '', '', '', '', '', '', '', 1, '2026-01-01', "
                "'2026-01-01', 'Петрова О. Н.', 'Директор')"))
            connection.execute(sa.text(
                "INSERT INTO person (organisation_id, full_name, category, is_minor, position, email, phone, "
                "competencies, achievements, version, created_at, updated_at, birth_date) SELECT id, 'Иванов', "
                "'pupil', true, '', '', '', '', '', 1, '2026-01-01', '2026-01-01', '2014-05-01' FROM organisation"))
        downgrade(revision="0008_media")
        assert "document_template" not in sa.inspect(db.engine).get_table_names()
        assert not {"head_name", "head_position"} & columns("organisation") and "birth_date" not in columns("person")
        with db.engine.connect() as connection:
            assert connection.execute(sa.text("SELECT full_name FROM person")).scalar() == "Иванов"
        upgrade(revision="0009_documents")
        assert "head_name" in columns("organisation")
