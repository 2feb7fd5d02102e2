"""The admin search on PostgreSQL ranks by the title and the start of the body (search_entry.rank_document), while
the whole body decides what matches; migration 0016 adds that column and fills it for the rows already there."""
from __future__ import annotations

import pytest
import sqlalchemy as sa
from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade

from portal import MIGRATIONS_DIR
from portal.extensions import db
from portal.models import Case, MentoringForm
from portal.search import postgres_engine
from portal.search import whoosh_engine as search

pytestmark = pytest.mark.both_databases

REVISION = "0016_search_rank_document"
FILLER = "Обычная встреча клуба, разговор о планах и прочитанных книгах. "


@pytest.fixture(autouse=True)
def postgresql_only(database_url):
    if not database_url.startswith("postgresql"):
        pytest.skip("the PostgreSQL engine's ranking: Whoosh scores with BM25F")


def add_case(world, title: str, body: str) -> Case:
    case = Case(organisation=world.org_a, title=title, body_md=body, mentoring_form=MentoringForm.PUPIL_PUPIL)
    db.session.add(case)
    db.session.commit()
    return case


def test_a_row_that_names_the_word_early_ranks_above_one_that_mentions_it_deep_in_its_text(world):
    # The deep one first: with equal ranks the older row (the lower key) would come first.
    deep = add_case(world, "Клуб по интересам", FILLER * 10 + "В конце года прошла олимпиада.")
    early = add_case(world, "Клуб по интересам", "Олимпиада по математике. " + FILLER * 10)
    assert len(FILLER * 10) > postgres_engine.LEAD_CHARS
    hits = search.search("олимпиада", None).hits
    assert [hit.id for hit in hits] == [early.id, deep.id]  # both found: the whole body matches
    assert hits[0].score > hits[1].score
    grouped = search.search_grouped("олимпиада", None, per_group=1)
    assert [(group.total, [hit.id for hit in group.hits]) for group in grouped.groups] == [(2, [early.id])]
    assert "<b" in str(grouped.groups[0].hits[0].fragment_html)  # the fragment is still marked up


def test_an_edit_moves_the_rank_with_the_text(world):
    first = add_case(world, "Клуб по интересам", "Олимпиада по математике. " + FILLER * 10)
    second = add_case(world, "Клуб по интересам", FILLER * 10 + "Олимпиада в конце года.")
    assert [hit.id for hit in search.search("олимпиада", None).hits] == [first.id, second.id]
    second.title = "Олимпиада юных наставников"
    db.session.commit()
    assert [hit.id for hit in search.search("олимпиада", None).hits] == [second.id, first.id]


def test_the_migration_fills_the_ranking_document_of_the_rows_already_indexed(make_app):
    app = make_app(create_tables=False)
    with app.app_context():
        before = ScriptDirectory(str(MIGRATIONS_DIR)).get_revision(REVISION).down_revision
        upgrade(revision=before)
        body = FILLER * 10 + "олимпиада"
        with db.engine.begin() as connection:
            connection.execute(sa.text(
                "INSERT INTO search_entry (key, kind, object_id, title, body, url, document) VALUES ('cases:1', "
                "'cases', 1, 'Клуб наставников', :body, '/admin/cases/1/edit', "
                "to_tsvector('russian', 'Клуб наставников') || to_tsvector('russian', :body))"), {"body": body})
        upgrade()
        with db.engine.connect() as connection:
            lexemes = connection.execute(sa.text(
                "SELECT array_to_string(tsvector_to_array(rank_document), ' ') FROM search_entry")).scalar()
        assert "наставник" in lexemes.split() and "клуб" in lexemes.split()
        assert "олимпиад" not in lexemes.split()  # past the first LEAD_CHARS characters of the body
        downgrade(revision=before)
        with db.engine.connect() as connection:
            assert connection.execute(sa.text("SELECT key FROM search_entry")).scalar() == "cases:1"
            columns = {column["name"] for column in sa.inspect(connection).get_columns("search_entry")}
        assert "rank_document" not in columns
