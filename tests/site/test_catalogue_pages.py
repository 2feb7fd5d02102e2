"""The built catalogue: a form and a year together, and the order by title, each a page of its own (no
JavaScript), linked from the filters and the catalogue."""
from __future__ import annotations

from datetime import datetime
from pathlib import Path

from portal.extensions import db
from portal.models import Case, MentoringForm, Status
from portal.publish import publishing


def test_combined_filter_and_title_order_pages_are_built_and_linked(app, world):
    rows = [("Яблоневый сад", MentoringForm.PUPIL_PUPIL, 2025), ("Адаптация молодых", MentoringForm.TEACHER_TEACHER, 2026),
            ("Бережливая школа", MentoringForm.PUPIL_PUPIL, 2026)]
    for title, form, year in rows:
        db.session.add(Case(organisation=world.org_a, title=title, mentoring_form=form, status=Status.PUBLISHED,
                            created_at=datetime(year, 3, 1)))
    db.session.commit()
    report = publishing.run_build(app)
    assert report.ok, report.details
    site = Path(app.config["BUILD_DIR"])

    by_title = (site / "cases/by-title/index.html").read_text(encoding="utf-8")
    assert by_title.index("Адаптация молодых") < by_title.index("Бережливая школа") < by_title.index("Яблоневый сад")
    assert 'aria-current="page">по названию' in by_title
    catalogue = (site / "cases/index.html").read_text(encoding="utf-8")
    assert 'href="by-title/index.html"' in catalogue

    form_page = (site / "cases/form/pupil_pupil/index.html").read_text(encoding="utf-8")
    assert 'href="year/2026/index.html"' in form_page and 'href="year/2025/index.html"' in form_page
    combined = (site / "cases/form/pupil_pupil/year/2026/index.html").read_text(encoding="utf-8")
    assert "Бережливая школа" in combined and "Яблоневый сад" not in combined and "Адаптация" not in combined
    assert "Форма наставничества: <strong>Ученик – ученик</strong>; Год: <strong>2026</strong>" in combined
    assert not (site / "cases/form/teacher_teacher/year/2025").exists()  # no such cases: no page
    sitemap = (site / "sitemap.xml").read_text(encoding="utf-8")
    assert "/cases/form/pupil_pupil/year/2026/" in sitemap and "/cases/by-title/" in sitemap
