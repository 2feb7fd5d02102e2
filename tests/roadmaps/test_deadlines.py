"""Deadline terms (сроки) read into periods: real terms from roadmaps, document years, and properties."""
from __future__ import annotations

import calendar
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from portal.roadmaps.deadlines import Deadline, document_year, parse_deadline

# No example database: it would leave a .hypothesis folder in the working tree.
quick = settings(database=None)
d = date

NOMINATIVE = ["январь", "февраль", "март", "апрель", "май", "июнь", "июль", "август", "сентябрь", "октябрь",
              "ноябрь", "декабрь"]
GENITIVE = ["января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября", "октября",
            "ноября", "декабря"]
PREPOSITIONAL = ["январе", "феврале", "марте", "апреле", "мае", "июне", "июле", "августе", "сентябре",
                 "октябре", "ноябре", "декабре"]
DASHES = ["-", "–", "—", " - ", " – ", " — ", "– ", " -"]


def last_day(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


# (term, document year, school year?, start, end, recurrence)
TERMS = [
    # Sample 000: «на 2022 – 2023 учебный год»
    ("Ноябрь 2022", 2022, True, d(2022, 11, 1), d(2022, 11, 30), None),
    ("2022/2023 учебный год", 2022, True, d(2022, 9, 1), d(2023, 5, 31), None),
    ("Май 2023", 2022, True, d(2023, 5, 1), d(2023, 5, 31), None),
    # Sample 001: approved «от 23.09.2020 №428»
    ("до 6 декабря", 2020, False, None, d(2020, 12, 6), None),
    ("до 10 декабря", 2020, False, None, d(2020, 12, 10), None),
    ("до 15 декабря", 2020, False, None, d(2020, 12, 15), None),
    ("до 31 декабря", 2020, False, None, d(2020, 12, 31), None),
    ("<p>до 15 декабря</p>", 2020, False, None, d(2020, 12, 15), None),
    ("до 25 мая 2021  (согласно периоду взаимодействия)", 2020, False, None, d(2021, 5, 25), None),
    # Sample 002: «От 18.01.2023 г»
    ("Январь 2022", 2023, False, d(2022, 1, 1), d(2022, 1, 31), None),
    ("Ежегодно сентябрь (дополнительно по запросу)", 2023, False, d(2023, 9, 1), d(2023, 9, 30), "yearly"),
    ("Ежегодно сентябрь (дополнительно по запросу) в течение учебного года", 2023, False,
     d(2023, 9, 1), d(2023, 9, 30), "yearly"),
    ("Ежегодно октябрь (дополнительно по запросу) в течение учебного года", 2023, False,
     d(2023, 10, 1), d(2023, 10, 31), "yearly"),
    ("Ежегодно апрель-май", 2023, False, d(2023, 4, 1), d(2023, 5, 31), "yearly"),
    ("в течение учебного года", 2023, False, d(2023, 9, 1), d(2024, 5, 31), None),
    # From the issue
    ("Ноябрь 2022", 2022, False, d(2022, 11, 1), d(2022, 11, 30), None),
    ("НОЯБРЬ 2022 года", 2022, False, d(2022, 11, 1), d(2022, 11, 30), None),
    ("в январе 2023 г.", 2022, False, d(2023, 1, 1), d(2023, 1, 31), None),
    ("января 2023", 2022, False, d(2023, 1, 1), d(2023, 1, 31), None),
    ("до 10 декабря", 2022, False, None, d(2022, 12, 10), None),
    ("до 10 декабря", 2022, True, None, d(2022, 12, 10), None),
    ("до 25 мая 2021", 2022, False, None, d(2021, 5, 25), None),
    ("до 31 марта 2022 года", 2022, False, None, d(2022, 3, 31), None),
    ("Сентябрь– октябрь 2021 г.", 2022, False, d(2021, 9, 1), d(2021, 10, 31), None),
    ("сентябрь-октябрь 2021", 2022, False, d(2021, 9, 1), d(2021, 10, 31), None),
    ("Сентябрь — октябрь 2021 г", 2022, False, d(2021, 9, 1), d(2021, 10, 31), None),
    ("Июнь 2022 г", 2022, False, d(2022, 6, 1), d(2022, 6, 30), None),
    ("2022 г.", 2022, False, d(2022, 1, 1), d(2022, 12, 31), None),
    ("2023 -2024 г.г.", 2022, False, d(2023, 1, 1), d(2024, 12, 31), None),
    ("2021 – 2024 гг.", 2022, False, d(2021, 1, 1), d(2024, 12, 31), None),
    ("ежегодно 2021 – 2024 гг.", 2022, False, d(2021, 1, 1), d(2024, 12, 31), "yearly"),
    ("Ежегодно, апрель 2022-2024 г.г.", 2022, False, d(2022, 4, 1), d(2024, 4, 30), "yearly"),
    ("Ежегодно сентябрь", 2022, False, d(2022, 9, 1), d(2022, 9, 30), "yearly"),
    ("Ежегодно сентябрь", 2022, True, d(2022, 9, 1), d(2022, 9, 30), "yearly"),
    ("Ежегодно апрель-май", 2022, True, d(2023, 4, 1), d(2023, 5, 31), "yearly"),
    ("1 неделя февраля", 2022, False, d(2022, 2, 1), d(2022, 2, 7), None),
    ("1 неделя февраля", 2022, True, d(2023, 2, 1), d(2023, 2, 7), None),
    ("первая неделя февраля", 2022, False, d(2022, 2, 1), d(2022, 2, 7), None),
    ("2 неделя марта", 2022, False, d(2022, 3, 8), d(2022, 3, 14), None),
    ("1-я неделя мая", 2022, False, d(2022, 5, 1), d(2022, 5, 7), None),
    ("последняя неделя февраля", 2024, False, d(2024, 2, 23), d(2024, 2, 29), None),
    ("2022/2023 учебный год", 2021, False, d(2022, 9, 1), d(2023, 5, 31), None),
    ("2022-2023 уч. год", None, False, d(2022, 9, 1), d(2023, 5, 31), None),
    ("2022/23 учебный год", None, False, d(2022, 9, 1), d(2023, 5, 31), None),
    ("в течение учебного года", 2022, True, d(2022, 9, 1), d(2023, 5, 31), None),
    # Without school_year the document's year is read as the year the school year starts.
    ("в течение учебного года", 2022, False, d(2022, 9, 1), d(2023, 5, 31), None),
    ("в течение года", 2022, False, d(2022, 1, 1), d(2022, 12, 31), None),
    ("в течение года", 2022, True, d(2022, 9, 1), d(2023, 5, 31), None),
    ("01.09.2022", None, False, d(2022, 9, 1), d(2022, 9, 1), None),
    ("с 01.09.2022 по 31.05.2023", None, False, d(2022, 9, 1), d(2023, 5, 31), None),
    ("01.09.2022 - 31.05.2023", None, False, d(2022, 9, 1), d(2023, 5, 31), None),
    ("c 01.09.2022 по 31.05.2023", None, False, d(2022, 9, 1), d(2023, 5, 31), None),   # Latin «c»
    ("01.09.2022 г. – 31.05.2023 г.", None, False, d(2022, 9, 1), d(2023, 5, 31), None),
    ("до 10.12", 2022, False, None, d(2022, 12, 10), None),
    ("Сентябрь 2022, январь 2023", None, False, d(2022, 9, 1), d(2023, 1, 31), None),
    ("I квартал 2023", 2022, False, d(2023, 1, 1), d(2023, 3, 31), None),
    ("IV квартал", 2022, False, d(2022, 10, 1), d(2022, 12, 31), None),
    ("2 квартал 2023 г.", None, False, d(2023, 4, 1), d(2023, 6, 30), None),
    ("I полугодие", 2022, False, d(2022, 1, 1), d(2022, 6, 30), None),
    ("II полугодие 2023", None, False, d(2023, 7, 1), d(2023, 12, 31), None),
    # In a school year the halves are the school's: September–December and January–May.
    ("I полугодие", 2022, True, d(2022, 9, 1), d(2022, 12, 31), None),
    ("II полугодие", 2022, True, d(2023, 1, 1), d(2023, 5, 31), None),
    # Further shapes the parser reads
    ("с 10 по 15 декабря", 2022, False, d(2022, 12, 10), d(2022, 12, 15), None),
    ("10–15 декабря 2022 г.", None, False, d(2022, 12, 10), d(2022, 12, 15), None),
    ("ноябрь – январь", 2022, False, d(2022, 11, 1), d(2023, 1, 31), None),
    ("ноябрь – январь 2023", None, False, d(2022, 11, 1), d(2023, 1, 31), None),
    ("сентябрь 2022 – май", None, False, d(2022, 9, 1), d(2023, 5, 31), None),
    ("с 1 сентября 2022 г.", None, False, d(2022, 9, 1), None, None),
    ("не позднее 1 октября", 2022, False, None, d(2022, 10, 1), None),
    ("начало сентября", 2022, False, d(2022, 9, 1), d(2022, 9, 10), None),
    ("конец мая", 2022, True, d(2023, 5, 21), d(2023, 5, 31), None),
    ("29 февраля 2024", None, False, d(2024, 2, 29), d(2024, 2, 29), None),
    ("дек. 2022", None, False, d(2022, 12, 1), d(2022, 12, 31), None),
    ("В ТЕЧЕНИЕ УЧЕБНОГО ГОДА", 2022, True, d(2022, 9, 1), d(2023, 5, 31), None),
]


@pytest.mark.parametrize("text, year, school_year, start, end, recurrence", TERMS,
                         ids=[f"{t[0]}|{t[1]}|{'school' if t[2] else 'calendar'}" for t in TERMS])
def test_real_terms_give_exact_periods(text, year, school_year, start, end, recurrence):
    deadline = parse_deadline(text, year, school_year)
    assert (deadline.start, deadline.end, deadline.recurrence) == (start, end, recurrence)
    assert deadline.warnings == ()
    assert deadline.text == " ".join(text.split())


@pytest.mark.parametrize("text", ["постоянно", "Постоянно", "в течение всего периода", "по мере необходимости",
                                  "ежемесячно", "Ежегодно", "по запросу"])
def test_ongoing_terms_have_no_dates_and_no_warning(text):
    deadline = parse_deadline(text, 2022)
    assert (deadline.start, deadline.end, deadline.warnings) == (None, None, ())
    assert deadline.recurrence == ("yearly" if text == "Ежегодно" else None)


@pytest.mark.parametrize("text", ["", "   ", "\n\t"])
def test_blank_term_is_empty_without_warning(text):
    assert parse_deadline(text, 2022) == Deadline("", None, None, None, ())


@pytest.mark.parametrize("text, named", [
    ("до 31 ноября", "«31 ноября»"),
    ("до 31 ноября 2022", "«31 ноября 2022»"),
    ("29 февраля 2023", "«29 февраля 2023»"),
    ("31.04.2022", "«31.04.2022»"),
    ("12.13.2022", "«12.13.2022»"),
    ("5 неделя февраля", "«5 неделя февраля»"),
    ("2023/2022 учебный год", "«2023/2022 учебный год»"),
])
def test_impossible_date_is_named_in_a_warning_and_has_no_dates(text, named):
    deadline = parse_deadline(text, 2022)
    assert (deadline.start, deadline.end) == (None, None)
    assert deadline.warnings == (f"Несуществующая дата {named}",)


def test_impossible_day_is_reported_even_without_a_year():
    assert parse_deadline("до 31 ноября").warnings == ("Несуществующая дата «31 ноября»",)


@pytest.mark.parametrize("text", ["до 10 декабря", "Ежегодно сентябрь", "1 неделя февраля",
                                  "в течение учебного года", "I квартал"])
def test_term_without_a_year_in_a_document_without_one_warns(text):
    deadline = parse_deadline(text)
    assert (deadline.start, deadline.end) == (None, None)
    assert len(deadline.warnings) == 1 and "год" in deadline.warnings[0] and text in deadline.warnings[0]


@pytest.mark.parametrize("text", ["абракадабра", "по согласованию с директором", "2 раза", "45",
                                  "???", "квартал"])
def test_unreadable_term_keeps_its_text_and_warns(text):
    deadline = parse_deadline(text, 2022)
    assert deadline == Deadline(text, None, None, None, (f"Не удалось распознать срок «{text}»",))


def test_unknown_words_beside_dates_keep_the_dates_and_warn():
    deadline = parse_deadline("Ноябрь 2022 по графику", 2022)
    assert (deadline.start, deadline.end) == (d(2022, 11, 1), d(2022, 11, 30))
    assert deadline.warnings == ("В сроке «Ноябрь 2022 по графику» не распознано: «графику»",)


def test_very_long_text_is_quoted_short():
    deadline = parse_deadline("щ" * 100_000, 2022)
    assert deadline.start is None and len(deadline.warnings[0]) < 200


def test_whitespace_is_folded_in_text():
    assert parse_deadline("  Ноябрь \n 2022\u00a0г. ", 2022).text == "Ноябрь 2022 г."


# --- document_year ---

@pytest.mark.parametrize("text, expected", [
    ("«Дорожная карта» реализации целевой модели наставничества в МБУ ДО «ДМШ № 2 им. М.П. Мусоргского» "
     "на 2022 – 2023 учебный год", (2022, True)),
    ("План на 2021-2022 уч. год", (2021, True)),
    ("Дорожная карта на 2022/2023 учебный год", (2022, True)),
    ("Дорожная карта внедрения целевой модели наставничества на 2023 год", (2023, False)),
    ("Дорожная карта на 2021 – 2024 гг.", (2021, False)),
    ("## ПРИЛОЖЕНИЕ 2\n\nУтверждены  \nприказом управления образования  \nадминистрации муниципального  \n"
     "образования Калининский район  \nот 23.09.2020 №428\n\n### ЭТАПЫ реализации Программы наставничества",
     (2020, False)),
    ("Приложение №2\nК приказу № 82/А\nОт 18.01.2023 г\n\nДОРОЖНАЯ КАРТА\nМКОУ «Муцалаульская СОШ №2»",
     (2023, False)),
    ("Утверждено приказом от 5 сентября 2021 г. № 12", (2021, False)),
    # A school year in the title wins over an approval date, wherever each stands.
    ("Утверждено приказом от 18.01.2023 г\nДорожная карта на 2022–2023 учебный год", (2022, True)),
    ("ДОРОЖНАЯ КАРТА по реализации Положения о системе наставничества", (None, False)),
    ("", (None, False)),
])
def test_document_year(text, expected):
    assert document_year(text) == expected


# --- properties ---

@quick
@given(st.dates(date(1900, 1, 1), date(2100, 12, 31)), st.sampled_from(["", " г", " г.", " года"]),
       st.sampled_from(["до ", "До ", "не позднее "]))
def test_until_day_month_year_ends_on_that_day(day, suffix, until):
    deadline = parse_deadline(f"{until}{day.day} {GENITIVE[day.month - 1]} {day.year}{suffix}")
    assert (deadline.start, deadline.end, deadline.warnings) == (None, day, ())


@quick
@given(st.integers(1, 12), st.integers(1900, 2100), st.sampled_from([NOMINATIVE, GENITIVE, PREPOSITIONAL]),
       st.sampled_from([str.capitalize, str.lower, str.upper]), st.sampled_from(["", " г", " г.", " года"]))
def test_month_and_year_span_the_month(month, year, forms, case, suffix):
    deadline = parse_deadline(case(f"{forms[month - 1]} {year}{suffix}"), 1999, True)
    assert (deadline.start, deadline.end, deadline.warnings) == (date(year, month, 1), last_day(year, month), ())


@quick
@given(st.integers(1900, 2100), st.integers(0, 50), st.sampled_from(DASHES),
       st.sampled_from([" гг.", " г.г.", " гг", " годы", ""]), st.booleans())
def test_year_range_spans_whole_years(first, length, dash, suffix, yearly):
    last = min(first + length, 2100)
    deadline = parse_deadline(f"{'Ежегодно ' if yearly else ''}{first}{dash}{last}{suffix}")
    assert (deadline.start, deadline.end) == (date(first, 1, 1), date(last, 12, 31))
    assert deadline.recurrence == ("yearly" if yearly else None)


@quick
@given(st.integers(1, 12), st.integers(1, 12), st.integers(1900, 2100), st.sampled_from(DASHES))
def test_month_range_with_one_year_takes_it(first, last, year, dash):
    """«Сентябрь– октябрь 2021 г.»; a range across New Year («ноябрь – январь 2023») starts the year before."""
    deadline = parse_deadline(f"{NOMINATIVE[first - 1]}{dash}{NOMINATIVE[last - 1]} {year} г.")
    start_year = year - 1 if first > last else year
    assert (deadline.start, deadline.end) == (date(start_year, first, 1), last_day(year, last))


@quick
@given(st.integers(1, 12), st.integers(1900, 2100))
def test_month_without_year_follows_the_school_year(month, year):
    deadline = parse_deadline(f"Ежегодно {NOMINATIVE[month - 1]}", year, school_year=True)
    expected_year = year if month >= 9 else year + 1
    assert (deadline.start, deadline.end) == (date(expected_year, month, 1), last_day(expected_year, month))
    assert deadline.recurrence == "yearly"


@quick
@given(st.dates(date(1950, 1, 1), date(2100, 12, 31)))
def test_numeric_date_is_that_single_day(day):
    deadline = parse_deadline(day.strftime("%d.%m.%Y"))
    assert (deadline.start, deadline.end, deadline.warnings) == (day, day, ())


@quick
@given(st.integers(1, 4), st.integers(1, 12), st.integers(1900, 2100))
def test_week_of_month_is_seven_days_inside_it(week, month, year):
    deadline = parse_deadline(f"{week} неделя {GENITIVE[month - 1]}", year)
    assert deadline.start == date(year, month, 7 * week - 6)
    assert (deadline.end - deadline.start).days == 6


@quick
@given(st.sampled_from(["I", "II", "III", "IV"]), st.integers(1900, 2100))
def test_quarter_is_three_months(roman, year):
    quarter = ["I", "II", "III", "IV"].index(roman) + 1
    deadline = parse_deadline(f"{roman} квартал {year}")
    assert deadline.start == date(year, 3 * quarter - 2, 1)
    assert deadline.end == last_day(year, 3 * quarter)


def check_sane(deadline: Deadline, text: str) -> None:
    assert deadline.text == " ".join(text.split())
    assert isinstance(deadline.warnings, tuple) and all(isinstance(w, str) for w in deadline.warnings)
    assert deadline.recurrence in (None, "yearly")
    if deadline.start is not None and deadline.end is not None:
        assert deadline.start <= deadline.end
    assert len(deadline.warnings) <= 1   # one message a person can act on, not a cascade


YEARS = st.none() | st.integers(-10**6, 10**6) | st.integers(1900, 2100)


@quick
@given(st.text(), YEARS, st.booleans())
def test_any_text_never_raises(text, year, school_year):
    check_sane(parse_deadline(text, year, school_year), text)


VOCABULARY = (NOMINATIVE + GENITIVE + PREPOSITIONAL
              + ["до", "с", "по", "к", "не позднее", "ежегодно", "в течение", "учебного года", "учебный год", "года",
                 "г.", "гг.", "г.г.", "неделя", "первая", "последняя", "квартал", "полугодие", "I", "II", "IV",
                 "начало", "конец", "-", "–", ",", "/", "(", ")", "<p>", ".", "постоянно", "дек.",
                 "0", "1", "2", "5", "9", "10", "29", "30", "31", "45", "99", "00", "01.09", "31.02", "13.13",
                 "0000", "1900", "2022", "2023", "9999", "2022/2023", "2022/23", "01.09.2022", "31.05.23"])


@quick
@given(st.lists(st.sampled_from(VOCABULARY), max_size=8), st.sampled_from(["", " "]), YEARS, st.booleans())
def test_any_mix_of_term_words_never_raises(words, separator, year, school_year):
    text = separator.join(words)
    check_sane(parse_deadline(text, year, school_year), text)


@quick
@given(st.text())
def test_document_year_never_raises(text):
    year, school = document_year(text)
    assert year is None or isinstance(year, int)
    assert isinstance(school, bool) and (year is not None or not school)
