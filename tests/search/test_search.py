"""Admin search (portal/search/): word forms, ranking, an index that follows every commit, permissions, the CLI."""
from __future__ import annotations

import json
import logging
import shutil
import threading
import time
from datetime import date

import pytest
import sqlalchemy as sa

from portal.search import whoosh_engine as search
from portal.cli import main
from portal.extensions import db
from portal.models import Activity, Case, MentoringForm, NewsItem, Page, SearchEntry, Stage, Status

# The database matters here: run on PostgreSQL too (conftest's docstring).
pytestmark = pytest.mark.both_databases


@pytest.fixture
def errors(caplog):
    """The search module's logged errors: the index swallows its failures, so every test checks them."""
    caplog.set_level(logging.WARNING, logger="portal.search")
    yield lambda: [r for r in caplog.records if r.name == "portal.search" and r.levelno >= logging.ERROR]


def found(query: str, user=None, **kwargs) -> list[tuple[str, int]]:
    return [(hit.kind, hit.id) for hit in search.search(query, user, per_page=100, **kwargs).hits]


def key(row) -> tuple[str, int]:
    return search.KIND_OF[type(row)], row.id


def stored_documents() -> list[dict]:
    """Every stored document of the index, sorted: what two indexes must agree on."""
    if on_postgresql():  # the documents are rows of search_entry, written by each save's transaction
        rows = db.session.execute(sa.select(SearchEntry.key, SearchEntry.kind, SearchEntry.object_id,
                                            SearchEntry.organisation_id, SearchEntry.title, SearchEntry.body,
                                            SearchEntry.url).order_by(SearchEntry.key)).all()
        return [row._asdict() for row in rows]
    assert search.flush()  # the writer thread has written every commit
    ix = search.index.open_dir(str(search.index_path()), indexname=search.INDEX_NAME)
    with ix.searcher() as searcher:
        return sorted(searcher.all_stored_fields(), key=lambda doc: doc["key"])


def on_postgresql() -> bool:
    return db.engine.dialect.name == "postgresql"


@pytest.fixture
def whoosh(world):
    """For tests of the Whoosh engine's own machinery (files, writer thread, locks): SQLite's engine."""
    if on_postgresql():
        pytest.skip("the Whoosh engine's machinery: on PostgreSQL the search is in the database")


def add_case(world, title: str, body: str = "", org: str = "a", **fields) -> Case:
    case = Case(organisation=getattr(world, f"org_{org}"), title=title, body_md=body,
                mentoring_form=MentoringForm.PUPIL_PUPIL, **fields)
    db.session.add(case)
    db.session.commit()
    return case


# ---- Russian word forms and ranking -------------------------------------------------------------------------
def test_a_word_finds_its_other_forms(world, errors):
    case = add_case(world, "Клуб молодого педагога", "Опыт наставника и его наставляемых в школе.")
    assert key(case) in found("наставники")
    assert key(case) in found("НАСТАВНИКОМ")
    assert key(case) in found("педагоги")
    roadmap = world.rows[("roadmaps", "a")]  # «Дорожная карта A»
    assert key(roadmap) in found("дорожной карты")
    assert key(roadmap) in found("дорожных картах")
    assert not errors()


def test_stop_words_and_syntax_find_nothing_and_fail_nothing(world):
    long_word = search.search("ё" * 500, None)
    assert (len(long_word.terms), long_word.total) == (1, 0)
    for query in ["", "и в на", '"', "*", "(", "[ ]", "^~", "\x00\x01"]:
        results = search.search(query, None)
        assert (results.terms, results.total, results.hits) == ([], 0, []), query
    for query in ["title:кейс", "кейс~2^", "(кейс", "кейс AND OR", "кейс " * 200, "*кейс*"]:
        results = search.search(query, None)  # the word is searched, the syntax is ignored
        assert results.total == 2 and len(results.hits) == 2, query
    assert search.terms("AND OR NOT") == ["and", "or", "not"]  # plain words, not operators
    assert search.terms('title:"кейс*"') == ["titl", "кейс"]
    assert search.terms("и в на") == []
    assert len(search.terms("слово " * 500)) <= search.MAX_TERMS


def test_a_title_match_ranks_above_a_body_match(world):
    in_body = add_case(world, "Обычный кейс", "Рассказ о том, как прошёл фестиваль тандемов в этом году.")
    in_title = add_case(world, "Фестиваль тандемов", "Рассказ о том, как прошло событие в этом году.")
    hits = search.search("фестиваль", None).hits
    assert [(h.kind, h.id) for h in hits][:2] == [key(in_title), key(in_body)]
    assert hits[0].score > hits[1].score


def test_every_kind_is_indexed_drafts_included(world):
    assert found("A") == []  # one-letter words are not indexed
    rows = {name: world.rows[(name, "a")] for name in search.KINDS}
    assert rows["cases"].status == Status.DRAFT
    queries = {"organisations": "Школа", "roadmaps": "Дорожная", "cases": "Кейс", "news": "Новость",
               "events": "событие", "pages": "программе", "persons": "Наставник", "programs": "Программа",
               "pairings": "Наставляемый"}
    for name, query in queries.items():
        assert key(rows[name]) in found(query), name
    # Stages and activities are found through their roadmap; pairings by order number.
    assert key(rows["roadmaps"]) in found("Этап") and key(rows["roadmaps"]) in found("Мероприятие")
    assert key(rows["pairings"]) in found("приказ")


def test_admin_urls_and_labels_are_stored(world):
    case = world.rows[("cases", "a")]
    hit = next(h for h in search.search("кейс", None).hits if h.id == case.id)
    assert hit.url == f"/admin/cases/{case.id}/edit"
    assert hit.label == "Кейс" and hit.organisation_id == world.org_a.id


# ---- the index follows every commit ------------------------------------------------------------------------
def test_create_edit_and_delete_keep_the_index_in_step(world, errors):
    assert found("ярмарка") == []
    news = NewsItem(organisation=world.org_a, title="Ярмарка профессий", published_on=date(2026, 1, 10))
    db.session.add(news)
    assert found("ярмарка") == []  # not committed yet
    db.session.commit()
    assert found("ярмарка") == [key(news)]

    news.title = "Форум профессий"
    news.body_md = "Гости **ярмарки** вакансий."
    db.session.commit()
    hit = search.search("форум", None).hits[0]
    assert (hit.kind, hit.id, hit.title) == ("news", news.id, "Форум профессий")
    assert found("ярмарка") == [key(news)]  # now in the body (Markdown stripped)
    assert search.search("ярмарка", None).hits[0].score < 5

    news_key = key(news)
    db.session.delete(news)
    db.session.commit()
    assert found("форум") == [] and found("ярмарка") == []
    assert f"news:{news_key[1]}" not in {doc["key"] for doc in stored_documents()}
    assert not errors()


def test_a_rollback_leaves_the_index_alone(world, errors):
    case = world.rows[("cases", "a")]
    case.title = "Черновик соревнования"
    db.session.flush()
    db.session.rollback()
    assert found("соревнование") == []
    with db.session.begin_nested():
        db.session.add(Page(title="Регламент соревнования", body_md="Текст"))
    assert found("соревнование") == []  # a released savepoint is not a commit
    db.session.rollback()
    assert found("соревнование") == []
    assert not errors()


def test_stages_and_activities_reindex_their_roadmap(world, errors):
    roadmap = world.rows[("roadmaps", "a")]
    stage = Stage(roadmap=roadmap, number="2", title="Диагностика затруднений", position=20)
    db.session.add(stage)
    db.session.commit()
    assert found("диагностика") == [key(roadmap)]

    activity = Activity(stage=stage, number="2.1", title="Анкетирование молодых специалистов",
                        responsible="Заместитель директора")
    db.session.add(activity)
    db.session.commit()
    assert found("анкетирования") == [key(roadmap)]

    activity.title = "Собеседование"
    db.session.commit()
    assert found("анкетирования") == [] and found("собеседования") == [key(roadmap)]

    db.session.expire_all()  # delete rows not loaded in this transaction: their roadmap is read before the flush
    db.session.delete(db.session.get(Activity, activity.id))
    db.session.commit()
    assert found("собеседования") == []
    db.session.expire_all()
    db.session.delete(db.session.get(Stage, stage.id))
    db.session.commit()
    assert found("диагностика") == []
    assert key(roadmap) in found("дорожная")
    assert not errors()


def test_renaming_a_person_reindexes_their_pairings(world, errors):
    pairing = world.rows[("pairings", "a")]
    mentor = world.rows[("persons", "a")]
    mentor.full_name = "Иванова Светлана"
    db.session.commit()
    assert key(pairing) in found("Светланы") and key(mentor) in found("Светланы")
    assert not errors()


def test_a_reindex_gives_the_same_index_as_the_incremental_updates(world, errors):
    add_case(world, "Наставничество в цифровой среде", "Онлайн-встречи наставников")
    world.rows[("news", "b")].title = "Новость о конкурсе наставников"
    db.session.delete(world.rows[("events", "a")])
    world.rows[("stages", "b")].title = "Этап адаптации"
    db.session.commit()
    queries = ["наставник", "этап", "конкурс", "дорожная карта", "школа", "мероприятие"]
    incremental_docs = stored_documents()
    incremental = {q: sorted(found(q)) for q in queries}

    assert search.reindex() == len(incremental_docs)
    assert stored_documents() == incremental_docs
    assert {q: sorted(found(q)) for q in queries} == incremental
    assert not errors()


def test_a_missing_index_is_rebuilt_from_the_database(whoosh, world, errors):
    assert search.flush()
    shutil.rmtree(search.index_path())
    assert key(world.rows[("cases", "b")]) in found("кейс")
    assert not errors()


def test_a_failing_index_never_fails_a_save_and_reindex_repairs_it(world, errors, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    assert search.flush()  # the world's rows are written before the index breaks
    monkeypatch.setattr(search, "document", broken)
    case = add_case(world, "Кейс о волонтёрстве")  # commits without an exception
    assert db.session.get(Case, case.id).title == "Кейс о волонтёрстве"
    assert search.flush()  # the writer thread has tried, and failed
    assert [r.getMessage() for r in errors()] == ["Search index not updated for 1 rows; run `portal search reindex`"]
    monkeypatch.undo()
    assert found("волонтёрство") == []
    search.reindex()
    assert found("волонтерство") == [key(case)]  # ё and е alike


def test_two_editors_saving_at_once_raise_nothing(app, world, errors):
    ids = [world.rows[("news", "a")].id, world.rows[("news", "b")].id, world.rows[("cases", "a")].id]
    failures = []
    start = threading.Barrier(len(ids))

    def edit(row_id: int, model) -> None:
        try:
            with app.app_context():
                start.wait()
                for i in range(8):
                    row = db.session.get(model, row_id)
                    row.summary = f"Правка номер {i} редактора {row_id} про олимпиаду"
                    db.session.commit()
                db.session.add(model(organisation_id=world.org_a.id, title=f"Олимпиада {row_id}",
                                     **({"published_on": date(2026, 2, 1)} if model is NewsItem
                                        else {"mentoring_form": MentoringForm.PUPIL_PUPIL})))
                db.session.commit()
        except Exception as error:  # noqa: BLE001 — reported below
            failures.append(repr(error))

    threads = [threading.Thread(target=edit, args=(row_id, model))
               for row_id, model in zip(ids, [NewsItem, NewsItem, Case])]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert failures == [] and not errors()
    assert len(found("олимпиада")) == 6
    incremental = stored_documents()
    search.reindex()
    assert stored_documents() == incremental


def test_a_writer_waits_for_another_process_holding_the_index(whoosh, app, world, errors):
    # Whoosh's file lock is what another process (a second server worker, the CLI) would hold. The save itself
    # does not wait: the writer thread does, and writes once the lock is released.
    assert search.flush()
    ix, _ = search._open_index(app)
    other = search._writer(ix)
    try:
        case = add_case(world, "Кейс про шахматный клуб")
        assert db.session.get(Case, case.id) is not None
        assert search.flush(timeout=0.3) is False  # still waiting for the other writer
    finally:
        other.cancel()
    assert search.flush()
    assert found("клубы") == [key(case)] and not errors()


# ---- permissions --------------------------------------------------------------------------------------------
def test_a_curator_sees_only_their_organisations_rows(world):
    add_case(world, "Олимпиадная подготовка", org="b")
    add_case(world, "Олимпиадная команда", org="a")
    for query in ["кейс", "наставник", "наставляемый", "программа", "школа", "дорожная", "олимпиада", "приказ",
                  "новость", "событие", "программе"]:
        for who, own in (("curator_a", world.org_a.id), ("curator_b", world.org_b.id)):
            results = search.search(query, getattr(world, who), per_page=100)
            assert results.total == len(results.hits)
            assert {hit.organisation_id for hit in results.hits} <= {own}, (who, query)
    everything = found("наставник")
    mine = found("наставник", world.curator_a)
    assert ("persons", world.rows[("persons", "b")].id) in everything
    assert ("persons", world.rows[("persons", "b")].id) not in mine
    assert ("persons", world.rows[("persons", "a")].id) in mine
    # Content pages and municipal news have no organisation: staff only.
    municipal = NewsItem(title="Новость управления образования", published_on=date(2026, 1, 1))
    page = Page(title="Нормативные документы", body_md="Приказы управления")
    db.session.add_all([municipal, page])
    db.session.commit()
    assert found("управления", world.curator_a) == [] and found("документы", world.curator_a) == []
    assert set(found("управления", world.editor)) == {key(municipal), key(page)}
    assert found("документы", world.admin) == [key(page)]
    world.curator_a.organisations = []  # a curator bound to no organisation sees nothing
    db.session.commit()
    assert found("кейс", world.curator_a) == []


def test_counts_and_pages_respect_permissions(world):
    for i in range(7):
        add_case(world, f"Кейс номер {i + 1} школы", org="b")
    results = search.search("кейс", world.curator_a, per_page=1)
    assert results.total == 1 and results.pages == 1  # A's case only, though B has eight
    results = search.search("кейс", world.curator_b, per_page=3, page=2)
    assert results.total == 8 and results.pages == 3 and len(results.hits) == 3


# ---- the command line ---------------------------------------------------------------------------------------
def run(app, *args):
    return app.test_cli_runner().invoke(main, list(args))


def test_cli_prints_type_title_url_and_score(app, world):
    case = add_case(world, "Наставники-волонтёры")
    result = run(app, "search", "волонтёры", "наставники")
    assert result.exit_code == 0, result.output
    first = result.stdout.splitlines()[0].split("\t")
    assert first[:3] == ["Кейс", "Наставники-волонтёры", f"/admin/cases/{case.id}/edit"]
    assert float(first[3]) > 0
    assert "Найдено:" in result.stdout


def test_cli_json_and_permissions_of_a_user(app, world):
    result = run(app, "search", "--json", "наставник", "--as", world.curator_b.email.upper())
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["total"] == len(data["results"]) > 0
    assert {item["type"] for item in data["results"]} >= {"persons"}
    assert all(item["type_label"] and item["url"].startswith("/admin/") for item in data["results"])
    ids_b = {("persons", world.rows[("persons", "b")].id), ("pairings", world.rows[("pairings", "b")].id)}
    got = {(item["type"], item["id"]) for item in data["results"]}
    assert ids_b <= got and not got & {("persons", world.rows[("persons", "a")].id)}


def test_cli_exit_codes(app, world):
    assert run(app, "search", "неткакогослова").exit_code == 2
    assert run(app, "search", "и", "в").exit_code == 2
    missing = run(app, "search", "кейс", "--as", "nobody@example.org")
    assert missing.exit_code == 1 and "nobody@example.org" in missing.stderr
    assert run(app, "search", "--help").exit_code == 0
    assert "reindex" in run(app, "search", "--help").stdout
    assert run(app, "search", "reindex", "--help").exit_code == 0
    assert run(app, "search", "query", "--help").exit_code == 0


def test_cli_reindex_rebuilds_everything(app, world):
    assert search.flush()  # the world is indexed before the update that the index cannot see
    db.session.execute(sa.update(Case).values(summary="Массовая правка мимо сессии: олимпиада"))
    db.session.commit()  # a bulk UPDATE is not seen by the session events…
    assert found("олимпиада") == []
    result = run(app, "search", "reindex")
    assert result.exit_code == 0, result.output
    assert "Индекс перестроен: записей — " in result.stdout
    assert len(found("олимпиада")) == 2  # …and `portal search reindex` catches up


def test_counts_are_exact_for_a_kind_with_no_rows_and_in_groups(world):
    for tag in "ab":
        db.session.delete(world.rows[("events", tag)])
    add_case(world, "Второй кейс школы B", org="b")
    add_case(world, "Третий кейс школы B", org="b")
    assert search.search("кейс", None, kind="events").total == 0  # Whoosh alone would count every document
    grouped = search.search_grouped("наставник кейс программа", world.curator_b, per_group=1)
    assert grouped.total == sum(group.total for group in grouped.groups) > len(grouped.groups)
    for group in grouped.groups:
        assert group.total == search.search("наставник кейс программа", world.curator_b, kind=group.kind).total
        assert len(group.hits) == 1
    scores = [group.hits[0].score for group in grouped.groups]
    assert scores == sorted(scores, reverse=True)


def test_rows_that_cannot_be_told_apart_make_a_full_rebuild_not_a_failed_save(world, errors, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("unexpected model state")

    monkeypatch.setattr(search, "_touched", broken)
    case = add_case(world, "Кейс о туристическом походе")
    assert db.session.get(Case, case.id) is not None
    assert errors() and all("will be rebuilt" in record.getMessage() for record in errors())
    monkeypatch.undo()
    assert found("поход") == [key(case)]  # the commit rebuilt the whole index


# ---- the engines: one set of functions, Whoosh on SQLite, full-text search on PostgreSQL -------------------
def test_the_last_word_typed_in_part_finds_the_whole_word(world):
    if not on_postgresql():
        pytest.skip("a PostgreSQL engine's feature: Whoosh matches whole words")
    case = add_case(world, "Наставники и их наставляемые", "Встречи клуба")
    assert key(case) in found("наставн")
    assert key(case) in found("обсерватория встр")
    assert key(case) not in found("встр обсерватория")  # only the last word is a prefix


def test_a_save_on_one_host_is_found_on_another_at_once(make_app, world, tmp_path):
    if not on_postgresql():
        pytest.skip("Whoosh keeps its index in each host's instance folder; several hosts use PostgreSQL")
    host_a = make_app(INSTANCE_PATH=str(tmp_path / "host-a"))
    host_b = make_app(INSTANCE_PATH=str(tmp_path / "host-b"))
    with host_a.app_context():
        case = Case(organisation_id=world.org_a.id, title="Кейс о школьной обсерватории",
                    mentoring_form=MentoringForm.PUPIL_PUPIL)
        db.session.add(case)
        db.session.commit()
        case_id = case.id
    with host_b.app_context():
        assert found("обсерватория") == [("cases", case_id)]
        assert found("обсерватория", world.curator_b) == []  # permissions in SQL
    assert not (tmp_path / "host-b" / "search-index").exists()  # nothing per host
