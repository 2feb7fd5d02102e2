"""Publishing the site: the golden build, links, incremental work, failures, redirects, sub-paths."""
from __future__ import annotations

import json
from datetime import timedelta
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urldefrag, urljoin, urlsplit

import pytest

from portal import assets, jobs
from portal.extensions import db
from portal.models import Case, NewsItem, Status
from portal.models.base import utcnow
from portal.publish import build as build_module
from portal.publish import publishing, work_folder
from portal.publish.search_delta import fragment, fragment_ids
from portal.clock import local_now

# The database matters here: run on PostgreSQL too (conftest's docstring).
pytestmark = pytest.mark.both_databases


def publish_world(world) -> None:
    for key in (("cases", "a"), ("cases", "b"), ("news", "a"), ("events", "a"), ("roadmaps", "a")):
        world.rows[key].status = Status.PUBLISHED
    db.session.commit()  # case A is the draft of nothing: news B, event B, roadmap B stay drafts


def build(app, **options):
    report = publishing.run_build(app, **options)
    assert report.ok, report.details
    return report


@pytest.fixture
def site(app, world) -> Path:
    publish_world(world)
    build(app)
    return Path(app.config["BUILD_DIR"])


def read(site: Path, path: str) -> str:
    return (site / path).read_text(encoding="utf-8")


def test_golden_build_has_the_public_pages_and_nothing_else(site, world):
    expected = ["index.html", "404.html", "robots.txt", "sitemap.xml", "feeds/news.atom", "events.ics",
                "cases/index.html", "news/index.html", "events/index.html", "roadmaps/index.html",
                "organisations/index.html", "search/index.html", "open-data/index.html", "open-data/cases.json",
                "open-data/cases.csv", f"cases/{world.rows[('cases', 'a')].slug}/index.html",
                f"roadmaps/{world.rows[('roadmaps', 'a')].slug}/index.html",
                f"pages/{world.rows[('pages', 'a')].slug}/index.html",
                f"organisations/{world.org_a.slug}/index.html", f"embed/{world.org_a.slug}/roadmap/index.html",
                "pagefind/pagefind.js", "static/site.css"]
    missing = [path for path in expected if not (site / path).exists()]
    assert not missing
    files = [p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file()]
    assert not any(path.startswith("admin") for path in files)
    everything = "\n".join(read(site, f) for f in files if f.endswith((".html", ".json", ".csv", ".xml", ".ics")))
    assert "/admin" not in everything
    # Drafts never appear: news B, event B and roadmap B stayed drafts.
    for draft in ("Новость B", "Мероприятие-событие B", "Дорожная карта B"):
        assert draft not in everything
    assert not (site / f"news/{world.rows[('news', 'b')].slug}").exists()
    # Nobody from the registries is named on the site.
    assert "Наставник A" not in everything and "Наставляемый A" not in everything
    case = read(site, f"cases/{world.rows[('cases', 'a')].slug}/index.html")
    assert '<html lang="ru">' in case and "data-pagefind-body" in case and "<strong>важно</strong>" in case


def test_pages_link_relatively_and_every_internal_link_resolves(site):
    broken = []
    for page in site.rglob("*.html"):
        if "pagefind" in page.parts:
            continue
        for link in links_of(page.read_text(encoding="utf-8")):
            if urlsplit(link).scheme or link.startswith(("mailto:", "tel:", "#")):
                continue
            target = urldefrag(urljoin(page.relative_to(site).as_posix(), link))[0].lstrip("/")
            path = (site / target)
            if target.endswith("/"):
                path = path / "index.html"
            if not path.exists():
                broken.append(f"{page.relative_to(site)} → {link}")
            # The 404 page is served at any depth, so it links from the site's root path; all else is relative.
            if link.startswith("/") and page.name != "404.html":
                broken.append(f"{page.relative_to(site)}: absolute link {link} breaks under a sub-path")
    assert not broken, broken[:20]


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("href", "src") and value:
                self.links.append(value)


def links_of(html: str) -> list[str]:
    parser = _Links()
    parser.feed(html)
    return parser.links


def test_incremental_build_renders_only_what_changed(app, world, site):
    second = build(app)
    assert second.pages_skipped == second.pages_total and second.rendered_paths == []  # feeds and data files too
    case = world.rows[("cases", "a")]
    case.summary = "Новое краткое описание"
    db.session.commit()
    third = build(app)
    pages = {p for p in third.rendered_paths if p.endswith("/")}
    assert f"/cases/{case.slug}/" in pages  # the case itself
    assert "/cases/" in pages  # the list that shows its summary
    assert f"/organisations/{world.org_a.slug}/" in pages  # its organisation's page
    assert f"/news/{world.rows[('news', 'a')].slug}/" not in pages  # unrelated pages are left alone
    assert f"/roadmaps/{world.rows[('roadmaps', 'a')].slug}/" not in pages
    assert "Новое краткое описание" in read(site, "cases/index.html")
    files = set(third.rendered_paths) - pages
    assert {"/sitemap.xml", "/open-data/cases.json", "/open-data/cases.csv"} <= files  # the case's date and row
    assert not files & {"/events.ics", "/feeds/news.atom", "/open-data/news.json", "/robots.txt"}


def test_an_incremental_build_never_rewrites_a_published_file_in_place(app, world, site):
    """The work folder starts as hard links to the published files: a page rendered again must be a new file, or
    the published site would change before the swap (and stay changed if the build failed)."""
    before = {p: (p.stat().st_ino, p.read_bytes()) for p in site.rglob("*") if p.is_file()}
    case = world.rows[("cases", "a")]
    case.summary = "Краткое описание после правки"
    db.session.commit()
    report = build(app)
    by_inode = {inode: data for inode, data in before.values()}
    for path in (p for p in site.rglob("*") if p.is_file()):
        if path.stat().st_ino in by_inode:  # a file kept from the previous build must hold what it held then
            assert path.read_bytes() == by_inode[path.stat().st_ino], path
    rendered = {p.lstrip("/") + ("index.html" if p.endswith("/") else "") for p in report.rendered_paths}
    kept = [p for p in before if p.suffix == ".html" and p.relative_to(site).parts[0] != "pagefind"
            and p.relative_to(site).as_posix() not in rendered and p.exists()]
    assert kept and [p for p in kept if p.stat().st_ino != before[p][0]] == []  # linked, not copied
    case_page = site / "cases" / case.slug / "index.html"
    assert "Краткое описание после правки" in case_page.read_text(encoding="utf-8")
    assert case_page.stat().st_ino != before[case_page][0]
    # Search: the case's text changed, so its bundle (the only one on a small site) was indexed again.
    assert report.search_bundles == report.search_bundles_reindexed == 1 and report.search_pages_reindexed > 0


def spare_of(app) -> Path | None:
    state_file = Path(app.config["INSTANCE_PATH"]) / work_folder.SPARE_STATE_FILE
    if not state_file.exists():
        return None
    return Path(app.config["BUILD_DIR"]).parent / json.loads(state_file.read_text(encoding="utf-8"))["folder"]


def test_builds_work_in_the_previous_site_and_publish_what_a_full_build_would(app, world, site, make_app, tmp_path):
    """The spare folder is two builds behind the published site: everything that changed in both must reach it."""
    build(app)  # the first site is kept as the spare now
    spare = spare_of(app)
    assert spare is not None and spare.is_dir() and sorted(site.parent.glob(f".{site.name}.spare-*")) == [spare]
    case = world.rows[("cases", "a")]
    case.summary = "Правка в первой сборке"
    db.session.commit()
    build(app)
    news = world.rows[("news", "a")]
    news.title = "Новость после второй правки"
    db.session.commit()
    before = {p: (p.stat().st_ino, p.read_bytes()) for p in site.rglob("*") if p.is_file()}
    report = build(app)  # in the spare, which has neither change yet
    assert not spare.exists() and spare_of(app) is not None and spare_of(app) != spare
    assert "Правка в первой сборке" in read(site, f"cases/{case.slug}/index.html")
    assert "Новость после второй правки" in read(site, f"news/{news.slug}/index.html")
    # The spare had the old summary: the case page is linked from the published site, not rendered again.
    assert f"/cases/{case.slug}/" not in report.rendered_paths and f"/news/{news.slug}/" in report.rendered_paths
    by_inode = {inode: data for inode, data in before.values()}
    for path in (p for p in site.rglob("*") if p.is_file()):
        if path.stat().st_ino in by_inode:  # never written in place, wherever the work folder came from
            assert path.read_bytes() == by_inode[path.stat().st_ino], path

    reference = make_app(create_tables=False, INSTANCE_PATH=str(tmp_path / "reference"),
                         BUILD_DIR=str(tmp_path / "reference-build"))
    build(reference, full=True)
    expected = Path(reference.config["BUILD_DIR"])

    def pages(folder: Path) -> dict[str, bytes]:
        return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*")
                if p.is_file() and p.relative_to(folder).parts[0] != "pagefind" and "open-data" not in p.parts}
    assert pages(site) == pages(expected)
    entries = [json.loads((folder / "pagefind" / "pagefind-entry.json").read_text(encoding="utf-8"))["languages"]
               for folder in (site, expected)]
    assert entries[0]["ru"]["page_count"] == entries[1]["ru"]["page_count"]
    # The search state describes the published pages exactly, so the next build re-indexes what it must.
    from portal.publish import search_shards

    search_state = json.loads((Path(app.config["INSTANCE_PATH"]) / build_module.SEARCH_STATE_FILE).read_text())
    assert search_state["pages"] and all(search_shards.digest((site / path).read_bytes()) == page_digest
                                         for path, (_bundle, page_digest) in search_state["pages"].items())


def test_a_spare_folder_nothing_describes_is_removed_and_the_site_copied(app, world, site):
    build(app)
    spare = spare_of(app)
    (Path(app.config["INSTANCE_PATH"]) / work_folder.SPARE_STATE_FILE).unlink()
    case = world.rows[("cases", "a")]
    case.summary = "После потерянного состояния"
    db.session.commit()
    build(app)
    assert not spare.exists() and "После потерянного состояния" in read(site, f"cases/{case.slug}/index.html")
    assert len(list(site.parent.glob(f".{site.name}.spare-*"))) == 1


def test_a_build_with_nothing_changed_leaves_the_search_index_alone(app, site):
    report = build(app)
    assert report.search_bundles == 1 and report.search_bundles_reindexed == 0 and report.search_pages_reindexed == 0
    assert report.indexed_pages > 0


def test_adding_news_renders_it_and_its_lists(app, world, site):
    db.session.add(NewsItem(title="Свежая новость", published_on=utcnow().date(), status=Status.PUBLISHED))
    db.session.commit()
    report = build(app)
    assert "/news/svezhaya-novost/" in report.rendered_paths and "/news/" in report.rendered_paths
    assert "/" in report.rendered_paths  # the home page lists the latest news
    assert "Свежая новость" in read(site, "news/index.html")


def test_full_build_renders_everything(app, site):
    report = build(app, full=True)
    assert report.pages_skipped == 0 and report.pages_rendered == report.pages_total


def test_unpublishing_removes_the_page(app, world, site):
    case = world.rows[("cases", "b")]
    path = site / f"cases/{case.slug}/index.html"
    assert path.exists()
    case.status = Status.DRAFT
    db.session.commit()
    report = build(app)
    assert not path.exists() and not path.parent.exists() and report.pages_removed >= 1  # its folder too
    assert "Кейс B" not in read(site, "cases/index.html")
    assert (site / "pagefind" / "pagefind-entry.json").exists() and (site / "cases").is_dir()


def test_scheduled_item_appears_from_the_first_build_after_its_time(app, world, site):
    case = world.rows[("cases", "b")]
    case.publish_at = local_now() + timedelta(hours=1)
    db.session.commit()
    build(app)
    assert not (site / f"cases/{case.slug}/index.html").exists()
    case.publish_at = local_now() - timedelta(minutes=1)
    db.session.commit()
    build(app)
    assert (site / f"cases/{case.slug}/index.html").exists()


def test_renamed_item_leaves_a_redirect_at_its_old_address(app, world, site):
    case = world.rows[("cases", "a")]
    old = case.slug
    case.slug = "novyy-adres"
    db.session.commit()
    report = build(app)
    assert report.redirects == 1
    page = read(site, f"cases/{old}/index.html")
    assert 'http-equiv="refresh"' in page and 'rel="canonical"' in page
    assert 'href="../novyy-adres/index.html"' in page  # relative: works under any prefix
    assert (site / "cases/novyy-adres/index.html").exists()
    sitemap = read(site, "sitemap.xml")
    assert f"/cases/{old}/" not in sitemap and "/cases/novyy-adres/" in sitemap


def test_failed_build_leaves_the_previous_site_untouched(app, world, site, monkeypatch):
    before = {p: p.read_bytes() for p in site.rglob("*") if p.is_file()}
    world.rows[("cases", "a")].title = "Изменённый заголовок"
    db.session.commit()

    def broken(_folder, **_kwargs):
        raise RuntimeError("Pagefind упал")

    monkeypatch.setattr(build_module, "build_search_index", broken)
    report = publishing.run_build(app)
    assert not report.ok and "Pagefind упал" in report.error
    assert "Опубликованный сайт не изменился" in report.summary()
    assert {p: p.read_bytes() for p in site.rglob("*") if p.is_file()} == before
    assert not list(site.parent.glob(f".{site.name}.tmp-*"))


def test_a_build_killed_midway_leaves_the_old_site_and_the_next_build_cleans_up(app, world, site):
    before = read(site, "index.html")
    leftover = site.parent / f".{site.name}.tmp-999-1"
    (leftover / "cases").mkdir(parents=True)  # what a killed build leaves behind
    (leftover / "index.html").write_text("половина сайта", encoding="utf-8")
    assert read(site, "index.html") == before
    build(app)
    assert not leftover.exists()


def test_second_build_while_one_runs_is_refused(app, site):
    with build_module.build_lock(app.config["INSTANCE_PATH"]):
        report = publishing.run_build(app)
    assert not report.ok and report.busy and "уже идёт" in report.error
    assert publishing.last_report(app.config["INSTANCE_PATH"]).ok  # the refusal did not replace the report


def test_sub_path_base_url_goes_into_absolute_links_only(app, world):
    publish_world(world)
    build(app, base_url="https://example.org/nastavnichestvo/")
    site = Path(app.config["BUILD_DIR"])
    assert "<loc>https://example.org/nastavnichestvo/cases/</loc>" in read(site, "sitemap.xml")
    assert "https://example.org/nastavnichestvo/sitemap.xml" in read(site, "robots.txt")
    assert 'href="../index.html"' in read(site, "cases/index.html")
    # served at any depth; the style under its hashed name (portal/assets.py)
    assert f'href="/nastavnichestvo/static/{assets.asset("site.css")}"' in read(site, "404.html")


def test_open_data_page_describes_each_file(site):
    html = read(site, "open-data/index.html")
    for name in ("organisations.json", "cases.csv", "activities.csv", "figures.json"):
        assert name in html
    data = json.loads(read(site, "open-data/cases.json"))
    assert data["count"] == 2 and {item["title"] for item in data["items"]} == {"Кейс A", "Кейс B"}


def test_event_page_offers_add_to_calendar(site, world):
    event = world.rows[("events", "a")]
    html = read(site, f"events/{event.slug}/index.html")
    assert 'href="event.ics"' in html and (site / f"events/{event.slug}/event.ics").exists()


def test_a_search_result_reads_the_page_text_without_its_chrome(site, world):
    """Under a result the visitor reads the page as Pagefind took it: facts with a space between label and value,
    no breadcrumbs, no hidden section name, no button text; the section and the organisation stay filters."""
    bundle = site / "pagefind"
    ids = fragment_ids(bundle)
    event, case = world.rows[("events", "a")], world.rows[("cases", "a")]
    found = fragment(bundle, ids[f"events/{event.slug}/index.html"])
    assert found["content"].startswith(event.title), found["content"][:200]
    assert f"Тип {event.kind.label} Когда 1 марта 2026" in found["content"], found["content"][:300]
    assert "Мероприятия" not in found["content"] and "Добавить в календарь" not in found["content"]
    assert found["filters"]["Раздел"] == ["Мероприятия"]
    found = fragment(bundle, ids[f"cases/{case.slug}/index.html"])
    assert found["content"].startswith(case.title) and "Практики" not in found["content"], found["content"][:200]
    assert found["filters"]["Раздел"] == ["Практики"]
    assert found["filters"]["Организация"] == [case.organisation.short_name]


def test_publish_page_asks_the_worker_and_shows_the_report(app, world, editor_client):
    publish_world(world)
    response = editor_client.post("/admin/publish")
    assert response.status_code == 302
    assert not (Path(app.config["BUILD_DIR"]) / "index.html").exists()  # the request only asked
    assert "Публикация запрошена" in editor_client.get("/admin/publish").get_data(as_text=True)
    assert jobs.run_queued(app) == 1  # the worker's turn
    html = editor_client.get("/admin/publish").get_data(as_text=True)
    assert "Сайт опубликован" in html and "по кнопке «Опубликовать»" in html and "editor@example.org" in html
    assert (Path(app.config["BUILD_DIR"]) / "index.html").exists()


def test_a_publication_with_nothing_new_says_that_everything_is_on_the_site_already(app, world):
    publish_world(world)
    first = build(app)
    assert "Изменений с прошлой публикации нет" not in first.summary()
    again = build(app)
    assert again.ok and again.pages_rendered == 0
    assert "Изменений с прошлой публикации нет: всё уже на сайте." in again.summary().splitlines()[1]


def test_a_second_click_joins_the_waiting_publication(app, world, editor_client):
    editor_client.post("/admin/publish")
    html = editor_client.post("/admin/publish", follow_redirects=True).get_data(as_text=True)
    assert "Публикация уже запрошена" in html
    assert jobs.queue(app).pending_count() == 1


def test_preview_shows_a_draft_as_it_will_look(app, world, curator_client):
    case = world.rows[("cases", "a")]
    html = curator_client.get(f"/admin/preview/cases/{case.id}").get_data(as_text=True)
    assert "Предпросмотр" in html and "Кейс A" in html and "<strong>важно</strong>" in html
    assert curator_client.get(f"/admin/preview/cases/{world.rows[('cases', 'b')].id}").status_code == 404


def test_organisation_page_in_admin_offers_embed_code(world, admin_client):
    html = admin_client.get(f"/admin/organisations/{world.org_a.id}/edit").get_data(as_text=True)
    assert f"embed/{world.org_a.slug}/roadmap/" in html and "&lt;iframe" in html


def test_a_kill_between_the_two_renames_is_repaired_by_the_next_build(app, site):
    moved = site.parent / f".{site.name}.old-123"
    site.rename(moved)  # the published folder moved away, the new one never arrived
    build(app)
    assert (site / "index.html").exists() and not moved.exists()


def test_tag_changes_rebuild_the_case_page(app, world, site, admin_client):
    case = world.rows[("cases", "a")]
    admin_client.post(f"/admin/cases/{case.id}/edit", data={
        "organisation_id": world.org_a.id, "title": case.title, "slug": case.slug, "mentoring_form": "pupil_pupil",
        "status": "published", "tags_text": "шахматы", "body_md": case.body_md})
    report = build(app)
    assert f"/cases/{case.slug}/" in report.rendered_paths
    assert "шахматы" in read(site, f"cases/{case.slug}/index.html")


def test_renaming_an_organisation_keeps_the_schools_widgets_working(app, world, site):
    org = world.org_a
    old = org.slug
    org.slug = "novaya-shkola"
    db.session.commit()
    build(app)
    for page in ("roadmap", "cases"):
        html = read(site, f"embed/{old}/{page}/index.html")
        assert 'http-equiv="refresh"' in html and f"novaya-shkola/{page}/index.html" in html


def test_home_page_follows_a_roadmap_title(app, world, site):
    world.rows[("roadmaps", "a")].title = "Новое название карты"
    db.session.commit()
    build(app)
    assert "Новое название карты" in read(site, "index.html")


def test_a_new_item_taking_an_old_address_is_a_page_not_a_redirect(app, world, site):
    case = world.rows[("cases", "a")]
    old = case.slug
    case.slug = "drugoy-adres"
    db.session.commit()
    db.session.add(Case(organisation=world.org_a, title="Новый", slug=old, mentoring_form="pupil_pupil",
                        status=Status.PUBLISHED))
    db.session.commit()
    report = build(app)
    assert report.redirects == 0
    assert "refresh" not in read(site, f"cases/{old}/index.html")
