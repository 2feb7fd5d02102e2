"""The demo municipality: alive enough to show the portal (a dozen organisations, dozens of cases with covers,
news and events across the school year, pairs, roadmaps at different stages, answers), the same every time, and
never a minor's name on the site."""
from __future__ import annotations

import re
from collections import Counter
from datetime import date
from pathlib import Path

import sqlalchemy as sa

from portal.config import PACKAGE_DIR
from portal.demo import load_demo, load_pages
from portal.extensions import db
from portal.models import (Case, Event, EventKind, MediaUse, NewsItem, Organisation, Person, QuestionnaireResponse,
                           Roadmap, Status)
from portal.publish import publishing
from portal.roadmaps.progress import progress

DEMO = PACKAGE_DIR / "content" / "demo"


def _load(app) -> Counter:
    with app.app_context():
        load_pages(PACKAGE_DIR / "content" / "pages")
        return load_demo(DEMO)


def _titles(app) -> list[str]:
    with app.app_context():
        return sorted(db.session.scalars(sa.select(Case.title)))


def test_the_demo_is_the_same_every_time_and_loads_once(make_app):
    app = make_app()
    loaded, titles = _load(app), _titles(app)
    assert _load(app) == Counter()  # a second run adds nothing
    with app.app_context():  # and on an emptied database, the same municipality again
        db.session.remove()
        db.drop_all()
        db.create_all()
    assert _load(app) == loaded and _titles(app) == titles


def test_the_demo_is_a_living_municipality(make_app):
    app = make_app()
    _load(app)
    with app.app_context():
        count = lambda model, *where: db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))
        assert count(Organisation) >= 12
        published = count(Case, Case.status == Status.PUBLISHED)
        assert published >= 24 and count(Case, Case.status != Status.PUBLISHED) >= 3  # some wait for review
        assert count(MediaUse, MediaUse.owner_kind == "case") >= published // 2
        months = {e.starts_at.strftime("%Y-%m") for e in db.session.scalars(sa.select(Event))}
        assert len(months) >= 6 and count(NewsItem) >= 15
        assert count(QuestionnaireResponse) >= 30
        stages = {progress(r, date(2027, 1, 15)).percent // 25 for r in db.session.scalars(sa.select(Roadmap))}
        assert len(stages) >= 3, stages  # roadmaps just begun, half way, nearly done
        assert len({case.created_at.year for case in db.session.scalars(sa.select(Case))}) >= 2  # years to filter
        for event in db.session.scalars(sa.select(Event)):  # a seminar is not called a contest on its page
            named = [kind for kind in EventKind if kind.label.lower() in event.title.lower()]
            assert not named or event.kind in named, (event.title, event.kind)
        # A group's verb agrees with it («Школьная команда провела»); a person's keeps «(а)», as a form letter does.
        texts = [text for case in db.session.scalars(sa.select(Case)) for text in (case.summary, case.body_md)]
        groups = re.compile(r"(Школьная команда|Группа наставляемых|Методическое объединение|Совет наставников) "
                            r"\w+\(а\)")
        assert not [found.group(0) for text in texts for found in groups.finditer(text)]
        assert any("Методическое объединение" in text for text in texts)
        # Titles read as a person writes them: names keep their capitals («Минпросвещения России», «Точка роста»).
        titles = db.session.scalars(sa.select(Case.title)).all()
        assert all(next(c for c in title if c.isalpha()).isupper() for title in titles)
        named = [title for title in titles if "просвещения" in title.lower() or "точка роста" in title.lower()]
        assert named and all("Минпросвещения России № Р-145" in title or "«Точка роста»" in title
                             for title in named), named


def test_no_minor_of_the_demo_is_named_on_the_published_site(make_app):
    app = make_app()
    _load(app)
    with app.app_context():
        minors = [p.full_name for p in db.session.scalars(sa.select(Person).where(Person.is_minor.is_(True)))]
        assert len(minors) >= 10
        report = publishing.run_build(app)
        assert report.ok, report.details
    site = Path(app.config["BUILD_DIR"])
    pages = [path.read_text(encoding="utf-8", errors="replace") for path in site.rglob("*")
             if path.is_file() and path.suffix in (".html", ".json", ".csv", ".xml", ".ics")]
    for name in minors:
        assert not any(name in page for page in pages), name


def test_a_newcomer_of_the_demo_gets_mentors_suggested_with_reasons(make_app):
    from portal.models import User
    from portal.registries.match_query import suggestions_for

    app = make_app()
    _load(app)
    with app.app_context():
        editor = db.session.scalar(sa.select(User).where(User.email == "editor@example.org"))
        newcomers = db.session.scalars(sa.select(Person).where(Person.position == "молодой специалист",
                                                               Person.tags != ""))
        suggested = [suggestions_for(editor, newcomer) for newcomer in newcomers]
        assert len(suggested) == 6 and all(suggested)
        assert any("совпадают:" in " ".join(s.reasons) for each in suggested for s in each)

