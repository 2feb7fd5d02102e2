"""The catalogue's filters: every value of every facet, counted, each naming the cases it holds."""
from __future__ import annotations

from datetime import datetime

from portal.models import Case, MentoringForm, Organisation, Tag
from portal.site.catalogue import Catalogue


def case(title: str, org: Organisation, form: MentoringForm, tags: list[Tag], created: datetime) -> Case:
    return Case(title=title, organisation=org, mentoring_form=form, tags=tags, created_at=created)


def test_each_filter_value_lists_its_cases_in_catalogue_order_with_counts():
    school = Organisation(short_name="СОШ № 1", slug="sosh-1")
    college = Organisation(short_name="Колледж", slug="college")
    chess, sport = Tag(name="шахматы", slug="shakhmaty"), Tag(name="спорт", slug="sport")
    first = case("Шахматы", school, MentoringForm.PUPIL_PUPIL, [chess, sport], datetime(2026, 3, 1))
    second = case("Футбол", school, MentoringForm.PUPIL_PUPIL, [sport], datetime(2025, 5, 1))
    third = case("Практика", college, MentoringForm.EMPLOYER_STUDENT, [], datetime(2026, 1, 1))
    catalogue = Catalogue([first, second, third])

    assert catalogue.matching("tag", "sport") == [first, second]
    assert catalogue.matching("organisation", "college") == [third]
    assert catalogue.matching("year", "2025") == [second]
    assert catalogue.matching("tag", "net-takogo") is None
    assert [(v.label, v.count) for v in catalogue.filters["form"]] == [
        ("Работодатель – студент", 1), ("Ученик – ученик", 2)]
    assert [v.value for v in catalogue.filters["year"]] == ["2026", "2025"]  # newest first
    assert catalogue.label("tag", "shakhmaty") == "шахматы"


def test_a_long_filter_shows_the_most_used_values_the_chosen_one_and_says_there_are_more():
    organisations = [Organisation(short_name=f"Школа № {n:02d}", slug=f"school-{n:02d}") for n in range(15)]
    cases = [case(f"Практика {n}-{k}", org, MentoringForm.PUPIL_PUPIL, [], datetime(2026, 1, 1))
             for n, org in enumerate(organisations) for k in range(1 + (n < 12))]  # schools 0–11 have two
    catalogue = Catalogue(cases)
    shown, more = catalogue.shown("organisation")
    assert more and [v.value for v in shown] == [f"school-{n:02d}" for n in range(12)]
    shown, _ = catalogue.shown("organisation", chosen="school-14")
    assert [v.value for v in shown][-1] == "school-14" and len(shown) == 13
    assert catalogue.shown("form") == (catalogue.filters["form"], False)


def test_form_and_year_combine_and_each_narrows_the_other():
    from portal.site.catalogue_views import choices

    school = Organisation(short_name="СОШ № 1", slug="sosh-1")
    a = case("Шахматы", school, MentoringForm.PUPIL_PUPIL, [], datetime(2026, 3, 1))
    b = case("Футбол", school, MentoringForm.PUPIL_PUPIL, [], datetime(2025, 5, 1))
    c = case("Адаптация", school, MentoringForm.TEACHER_TEACHER, [], datetime(2026, 1, 1))
    catalogue = Catalogue([a, b, c])
    assert catalogue.combined("pupil_pupil", "2026") == [a] and catalogue.combined("teacher_teacher", "2025") is None
    assert [x.title for x in catalogue.by_title] == ["Адаптация", "Футбол", "Шахматы"]

    years, _ = choices(catalogue, {"form": "teacher_teacher"})["year"]
    assert [(y.value.value, y.count, y.endpoint, y.values) for y in years] == [
        ("2026", 1, "site.cases_combined", {"year": "2026", "form": "teacher_teacher"})]  # no 2025 for this form
    forms, _ = choices(catalogue, {"form": "pupil_pupil", "year": "2025"})["form"]
    assert [(f.value.value, f.current) for f in forms] == [("pupil_pupil", True)]
    organisations, _ = choices(catalogue, {"year": "2025"})["organisation"]
    assert organisations[0].endpoint == "site.cases_filtered" and organisations[0].count == 3
