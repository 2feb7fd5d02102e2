"""An incremental publish is byte for byte the site a full build makes: after edits, additions, renames, deletions
and unpublishing, in the spare folder and in a copy, with the small path that visits only what differs."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from portal.extensions import db
from portal.models import NewsItem, Status
from portal.models.base import utcnow
from portal.publish import publishing

pytestmark = pytest.mark.both_databases


def build(app, **options):
    report = publishing.run_build(app, **options)
    assert report.ok, report.details
    return report


GENERATED_AT = re.compile(rb'"generated_at": "[^"]*"')


def files(folder: Path) -> dict[str, bytes]:
    """Every file of the site but the search index (its bundles are compared by what they hold, below). An open
    data file says when it was made: a build that does not change its rows keeps the earlier time, by design."""
    return {p.relative_to(folder).as_posix(): GENERATED_AT.sub(b"", p.read_bytes()) for p in folder.rglob("*")
            if p.is_file() and p.relative_to(folder).parts[0] != "pagefind"}


def search_pages(folder: Path) -> int:
    entry = json.loads((folder / "pagefind" / "pagefind-entry.json").read_text(encoding="utf-8"))
    return entry["languages"]["ru"]["page_count"]


def test_incremental_publishes_after_edits_deletes_and_unpublishing_equal_a_full_build(app, world, make_app,
                                                                                      tmp_path):
    for key in (("cases", "a"), ("cases", "b"), ("news", "a"), ("news", "b"), ("events", "a"), ("events", "b"),
                ("roadmaps", "a")):
        world.rows[key].status = Status.PUBLISHED
    db.session.commit()
    site = Path(app.config["BUILD_DIR"])
    first = build(app)
    reference = make_app(create_tables=False, INSTANCE_PATH=str(tmp_path / "reference"),
                         BUILD_DIR=str(tmp_path / "reference-build"))
    expected = Path(reference.config["BUILD_DIR"])

    def same_as_a_full_build(report) -> None:
        build(reference, full=True)
        assert report.pages_rendered < first.pages_rendered  # the small path, not everything again
        mine, theirs = files(site), files(expected)
        assert sorted(mine) == sorted(theirs)
        assert [path for path in mine if mine[path] != theirs[path]] == []
        assert search_pages(site) == search_pages(expected)

    case_a, case_b = world.rows[("cases", "a")], world.rows[("cases", "b")]
    news_a, event_a = world.rows[("news", "a")], world.rows[("events", "a")]

    # 1. An edit of a case and of a news title.
    case_a.summary = "Краткое описание после правки"
    news_a.title = "Новость A после правки"
    db.session.commit()
    same_as_a_full_build(build(app))

    # 2. A case unpublished, an event deleted, a new news item, a roadmap renamed (a redirect at the old address).
    old_event = site / f"events/{event_a.slug}/index.html"
    assert old_event.is_file()
    case_b.status = Status.DRAFT
    db.session.delete(event_a)
    db.session.add(NewsItem(title="Свежая новость", published_on=utcnow().date(), status=Status.PUBLISHED))
    world.rows[("roadmaps", "a")].slug = "novaya-karta"
    db.session.commit()
    report = build(app)
    assert report.pages_removed >= 2 and not old_event.exists() and not old_event.parent.exists()
    same_as_a_full_build(report)

    # 3. The case back on the site, in the folder two builds behind (the spare), which still had it.
    case_b.status = Status.PUBLISHED
    db.session.commit()
    same_as_a_full_build(build(app))


def test_a_worker_keeps_its_site_app_and_no_build_leaves_a_hook_on_it(app, world):
    """The site app is made once per worker (templates compiled once); each build's request hook and Frozen-Flask's
    url_for logger come off it again, or a long-running worker would slow down build after build."""
    site_app = publishing.site_app_for(app)
    hooks = (list(site_app.before_request_funcs.get(None, [])), list(site_app.url_default_functions.get(None, [])))
    for summary in ("Первая правка", "Вторая правка"):
        world.rows[("cases", "a")].status = Status.PUBLISHED
        world.rows[("cases", "a")].summary = summary
        db.session.commit()
        build(app)
        assert publishing.site_app_for(app) is site_app
        assert (site_app.before_request_funcs.get(None, []), site_app.url_default_functions.get(None, [])) == hooks
    assert "Вторая правка" in (Path(app.config["BUILD_DIR"]) / "cases" / "index.html").read_text(encoding="utf-8")
    app.config["SITE_NAME"] = "Другое имя"  # a setting the site reads changed: a new site app
    assert publishing.site_app_for(app) is not site_app


def test_a_worker_brings_its_kept_content_up_to_date_and_publishes_what_a_full_build_would(app, world, make_app,
                                                                                          tmp_path, monkeypatch):
    """A running worker loads again only the parts of the content whose tables changed (content_reuse.py): after
    each kind of change its site equals a full build from scratch, and it loaded only what it had to."""
    from datetime import date, datetime

    from portal.models import Case, Consent, ConsentKind, Pairing, PairingStatus, Tag

    clock = {"now": datetime(2026, 12, 5, 10, 0)}
    monkeypatch.setattr("portal.site.content.local_now", lambda: clock["now"])
    for key in (("cases", "a"), ("cases", "b"), ("news", "a"), ("events", "a"), ("roadmaps", "a")):
        world.rows[key].status = Status.PUBLISHED
    db.session.commit()
    site = Path(app.config["BUILD_DIR"])
    assert build(app).content_reloaded is None  # the first build of a worker loads everything
    reference = make_app(create_tables=False, INSTANCE_PATH=str(tmp_path / "reference"),
                         BUILD_DIR=str(tmp_path / "reference-build"))

    def published(expect: set[str], step: str) -> None:
        report = build(app)
        assert report.content_reloaded is not None, step  # brought up to date, not loaded whole
        assert expect <= set(report.content_reloaded), (step, report.content_reloaded)
        assert not set(report.content_reloaded) & {"persons", "registry_counts"} - expect, step
        build(reference, full=True)
        mine, theirs = files(site), files(Path(reference.config["BUILD_DIR"]))
        assert sorted(mine) == sorted(theirs), step
        assert [path for path in mine if mine[path] != theirs[path]] == [], step

    case_a, case_b = world.rows[("cases", "a")], world.rows[("cases", "b")]
    case_a.tags.append(Tag(name="шахматы"))  # only the link table and the tags change, not the case's row
    db.session.commit()
    published({"cases"}, "a tag")

    mentor = world.rows[("persons", "a")]
    mentor.consents.append(Consent(kind=ConsentKind.PUBLICATION, signed_on=date(2025, 9, 1),
                                   allowed_fields="full_name,organisation"))
    db.session.commit()
    published({"persons", "monitoring"}, "a publication consent")
    assert "Наставник A" in (site / "mentors" / "index.html").read_text(encoding="utf-8")

    world.rows[("pairings", "b")].status = PairingStatus.ACTIVE
    db.session.commit()
    published({"registry_counts", "monitoring"}, "a pairing")

    world.rows[("pages", "a")].title = "О программе наставничества"  # in the menu of every page
    db.session.commit()
    published({"pages"}, "the menu")

    world.org_b.short_name = "Школа Б"
    db.session.commit()
    published({"organisations", "cases", "news", "events", "roadmaps", "persons"}, "an organisation's name")

    case_b.publish_at = datetime(2026, 12, 5, 10, 30)  # public at 10:30, with nothing edited then
    db.session.commit()
    published({"cases"}, "a case scheduled")
    assert not (site / "cases" / case_b.slug).exists()
    clock["now"] = datetime(2026, 12, 5, 10, 31)
    published({"cases"}, "its time came")
    assert (site / "cases" / case_b.slug / "index.html").is_file()

    case_a.title = "Кейс A после правки"  # edited rows and a new one, in the catalogue's order
    db.session.add(Case(organisation=world.org_a, title="Кейс новый", mentoring_form="pupil_pupil",
                        status=Status.PUBLISHED))
    db.session.commit()
    published({"cases"}, "an edit and a new case")

    db.session.delete(world.rows[("news", "a")])
    db.session.commit()
    published({"news"}, "a news item deleted")
    assert db.session.get(Pairing, world.rows[("pairings", "a")].id) is not None


def test_a_worker_hides_its_kept_content_from_the_collector_and_lets_go_of_what_it_replaced(app, world):
    """The kept snapshot is frozen out of the cyclic collector's sight after a publish (its full collections cost a
    third of a one-edit publish at regional scale), and what a build replaces whole is collected, not leaked."""
    import gc
    import weakref

    from portal.site import content_reuse

    world.rows[("cases", "a")].status = Status.PUBLISHED
    db.session.commit()
    build(app)
    old_case = weakref.ref(publishing.site_app_for(app).extensions[content_reuse.KEPT_KEY].snapshot.cases[0])
    assert gc.get_freeze_count() > 0
    try:
        build(app, full=True)  # everything loaded again: the old objects are garbage, some of them in cycles
        assert old_case() is None
    finally:
        gc.unfreeze()


def test_a_build_that_loads_everything_lets_go_of_the_kept_content_before_it_loads(app, world, monkeypatch):
    """A full build in a worker does not hold the old snapshot while it loads the new one: both at once were the
    peak of a worker's memory (content_reuse.let_go)."""
    import weakref

    from portal.site import content, content_reuse

    world.rows[("cases", "a")].status = Status.PUBLISHED
    db.session.commit()
    build(app)
    old_case = weakref.ref(publishing.site_app_for(app).extensions[content_reuse.KEPT_KEY].snapshot.cases[0])
    alive_at_load = []
    real_load = content.load

    def load(*args, **kwargs):
        alive_at_load.append(old_case() is not None)
        return real_load(*args, **kwargs)

    monkeypatch.setattr(content, "load", load)
    try:
        build(app, full=True)
    finally:
        import gc

        gc.unfreeze()
    assert alive_at_load == [False]
