"""The migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""
from __future__ import annotations

import warnings

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import SAWarning

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from portal.extensions import db

# The database matters here: run on PostgreSQL too (conftest's docstring).
pytestmark = pytest.mark.both_databases


# Indexes on an expression: SQLAlchemy's reflection skips them (with a warning), so the comparison cannot see them;
# they are looked up by name instead.
EXPRESSION_INDEXES = {"ix_person_since", "ix_pairing_quiet"}


def test_upgrade_from_empty_equals_the_models(make_app):
    app = make_app(create_tables=False)
    with app.app_context():
        upgrade()
        with db.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            with warnings.catch_warnings():
                warnings.filterwarnings("ignore", "Skipped unsupported reflection of expression-based index",
                                        category=SAWarning)
                warnings.filterwarnings("ignore", "autogenerate skipping metadata-specified expression-based index",
                                        category=UserWarning)
                diff = compare_metadata(context, db.metadata)
            names = ("SELECT name FROM sqlite_master WHERE type = 'index'" if connection.dialect.name == "sqlite"
                     else "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema()")
            indexes = set(connection.scalars(sa.text(names)))
    assert diff == []
    declared = {index.name for table in db.metadata.tables.values() for index in table.indexes
                if any(not isinstance(column, sa.Column) for column in index.expressions)}
    assert declared == EXPRESSION_INDEXES and declared <= indexes


def test_downgrade_to_empty_and_up_again(make_app):
    app = make_app(create_tables=False)
    with app.app_context():
        upgrade()
        downgrade(revision="base")
        assert set(db.inspect(db.engine).get_table_names()) <= {"alembic_version"}
        upgrade()
        assert "roadmap" in db.inspect(db.engine).get_table_names()
