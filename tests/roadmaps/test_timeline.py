"""The roadmap timeline: a server-drawn SVG, one bar per dated activity, coloured by the status shown today."""
from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date

import pytest

from portal.models import Activity, ActivityStatus, Roadmap, Stage
from portal.roadmaps.timeline import CHART_LEFT, CHART_RIGHT, COLOURS, MIN_BAR, timeline_svg

NS = {"svg": "http://www.w3.org/2000/svg"}
TODAY = date(2025, 12, 10)


def make_roadmap(title: str = "Дорожная карта СОШ № 5") -> Roadmap:
    """Unsaved rows: the timeline needs no database. Status is given explicitly (the default is set on flush)."""
    roadmap = Roadmap(title=title, slug="sosh-5")
    roadmap.id = 7
    preparation = Stage(roadmap=roadmap, number="1.", title="Подготовка условий")
    Stage(roadmap=roadmap, number="2.", title="Без дат")  # no dated activity: left out of the picture
    pairs = Stage(roadmap=roadmap, number="3.", title="Формирование пар")
    add(preparation, "1.1", "Издание приказа", date(2025, 9, 1), date(2025, 9, 30), ActivityStatus.DONE)
    add(preparation, "1.2", "Назначение куратора", None, date(2025, 10, 15), ActivityStatus.PLANNED)  # overdue
    add(preparation, "1.3", "Анкетирование", None, None, ActivityStatus.PLANNED)
    add(pairs, "3.1", "Работа пар", date(2025, 11, 1), date(2026, 5, 31), ActivityStatus.IN_PROGRESS)
    add(pairs, "3.2", "Фестиваль", date(2026, 4, 1), date(2026, 4, 30), ActivityStatus.CANCELLED)
    add(pairs, "3.3", "Итоговая конференция", date(2026, 5, 20), date(2026, 5, 20), ActivityStatus.DONE)
    return roadmap


def add(stage: Stage, number: str, title: str, start, end, status: ActivityStatus) -> Activity:
    return Activity(stage=stage, number=number, title=title, deadline_start=start, deadline_end=end, status=status)


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def bars(root: ET.Element) -> dict[str, ET.Element]:
    """Bars by the number of their activity (the tooltip starts with it)."""
    return {rect.find("svg:title", NS).text.split()[0]: rect for rect in root.iterfind(".//svg:rect[@class='bar']", NS)}


def texts(element: ET.Element) -> list[str]:
    return ["".join(text.itertext()) for text in element.iterfind(".//svg:text", NS)]


def test_one_bar_per_dated_activity_grouped_under_its_stage():
    root = parse(timeline_svg(make_roadmap(), TODAY))
    assert sorted(bars(root)) == ["1.1", "1.2", "3.1", "3.2", "3.3"]
    stages = [texts(group)[0] for group in root.iterfind(".//svg:g[@class='stage']", NS)]
    assert stages == ["1. Подготовка условий", "3. Формирование пар"]
    labels = [texts(group)[0] for group in root.iterfind(".//svg:g[@class='activity']", NS)]
    assert labels == ["1.1 Издание приказа", "1.2 Назначение куратора", "3.1 Работа пар", "3.2 Фестиваль",
                      "3.3 Итоговая конференция"]


def test_nothing_is_drawn_when_no_activity_has_a_date():
    roadmap = Roadmap(title="Без дат", slug="bez-dat")
    add(Stage(roadmap=roadmap, number="1", title="Этап"), "1.1", "Мероприятие", None, None, ActivityStatus.PLANNED)
    assert timeline_svg(roadmap, TODAY) == ""
    assert timeline_svg(Roadmap(title="Пустая", slug="pustaya"), TODAY) == ""


def test_bars_are_coloured_by_the_status_shown_today():
    found = bars(parse(timeline_svg(make_roadmap(), TODAY)))
    expected = {"1.1": ActivityStatus.DONE, "1.2": ActivityStatus.OVERDUE, "3.1": ActivityStatus.IN_PROGRESS,
                "3.2": ActivityStatus.CANCELLED, "3.3": ActivityStatus.DONE}
    for number, status in expected.items():
        assert found[number].get("fill") == COLOURS[status], number
        assert found[number].get("data-status") == status.value
    # Before its end date the same planned activity is simply planned.
    early = bars(parse(timeline_svg(make_roadmap(), date(2025, 10, 1))))
    assert early["1.2"].get("fill") == COLOURS[ActivityStatus.PLANNED]


def relative_luminance(colour: str) -> float:
    channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def test_status_colours_are_distinct_and_contrast_three_to_one_with_white():
    assert set(COLOURS) == set(ActivityStatus)
    assert len(set(COLOURS.values())) == len(ActivityStatus)
    for status, colour in COLOURS.items():
        assert 1.05 / (relative_luminance(colour) + 0.05) >= 3, status


def test_bar_tooltip_names_the_activity_its_dates_in_russian_and_its_status():
    found = bars(parse(timeline_svg(make_roadmap(), TODAY)))
    assert found["1.1"].find("svg:title", NS).text == ("1.1 Издание приказа — 1 сентября 2025 г. – 30 сентября 2025 г."
                                                       " — Выполнено")
    assert found["1.2"].find("svg:title", NS).text == "1.2 Назначение куратора — до 15 октября 2025 г. — Просрочено"
    assert found["3.3"].find("svg:title", NS).text == "3.3 Итоговая конференция — 20 мая 2026 г. — Выполнено"


def test_bars_sit_on_a_time_scale_and_an_end_alone_is_a_short_marker_ending_there():
    found = bars(parse(timeline_svg(make_roadmap(), TODAY)))

    def left(number):
        return float(found[number].get("x"))

    def right(number):
        return left(number) + float(found[number].get("width"))

    # September ends where October begins; the marker of 15 October lies inside October.
    assert right("1.1") < right("1.2") < left("3.1")
    assert float(found["1.2"].get("width")) == MIN_BAR
    assert left("3.1") < left("3.2") < right("3.2") < left("3.3") < right("3.1")
    # The range runs from 1 September to 31 May: the first bar starts the chart, the last one ends it.
    assert (left("1.1"), right("3.1")) == (pytest.approx(CHART_LEFT, abs=0.1), pytest.approx(CHART_RIGHT, abs=0.1))
    assert float(found["3.3"].get("width")) >= MIN_BAR  # a single day is still visible


def test_today_line_only_when_today_is_within_the_range():
    inside = parse(timeline_svg(make_roadmap(), TODAY))
    (today,) = inside.iterfind(".//svg:g[@class='today']", NS)
    assert texts(today) == ["сегодня"]
    line_x = float(today.find("svg:line", NS).get("x1"))
    found = bars(inside)
    assert float(found["1.2"].get("x")) < line_x < float(found["3.2"].get("x"))
    for outside in (date(2025, 8, 31), date(2026, 6, 1)):
        assert parse(timeline_svg(make_roadmap(), outside)).find(".//svg:g[@class='today']", NS) is None


def test_legend_lists_every_status_in_russian_with_its_colour():
    legend = parse(timeline_svg(make_roadmap(), TODAY)).find(".//svg:g[@class='legend']", NS)
    assert sorted(texts(legend)) == sorted(status.label for status in ActivityStatus)
    assert {rect.get("fill") for rect in legend.iterfind("svg:rect", NS)} == set(COLOURS.values())


def test_month_axis_in_russian_with_the_year_under_the_first_month_and_january():
    axis = parse(timeline_svg(make_roadmap(), TODAY)).find(".//svg:g[@class='axis']", NS)
    months = [t.text for t in axis.iterfind("svg:text[@class='month']", NS)]
    assert months == ["сен", "окт", "ноя", "дек", "янв", "фев", "мар", "апр", "май"]
    years = [t.text for t in axis.iterfind("svg:text[@class='year']", NS)]
    assert years == ["2025", "2026"]


def test_svg_is_an_accessible_image_with_title_and_summary():
    root = parse(timeline_svg(make_roadmap(), TODAY))
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert root.get("role") == "img"
    title, desc = root.find("svg:title", NS), root.find("svg:desc", NS)
    assert root.get("aria-labelledby") == title.get("id")
    assert root.get("aria-describedby") == desc.get("id")
    assert title.text == "График дорожной карты «Дорожная карта СОШ № 5»"
    assert desc.text == "Дорожная карта: 5 мероприятий с датами, из них выполнено 2, просрочено 1"
    assert root.get("viewBox").startswith("0 0 960 ")


def test_height_grows_with_the_rows():
    roadmap = make_roadmap()
    before = float(parse(timeline_svg(roadmap, TODAY)).get("viewBox").split()[3])
    add(roadmap.stages[2], "3.4", "Ещё одно", date(2026, 1, 1), date(2026, 1, 31), ActivityStatus.PLANNED)
    after = float(parse(timeline_svg(roadmap, TODAY)).get("viewBox").split()[3])
    assert after > before


def test_summary_uses_the_russian_plural():
    roadmap = Roadmap(title="Одно", slug="odno")
    add(Stage(roadmap=roadmap, title="Этап"), "1", "Приказ", date(2025, 9, 1), None, ActivityStatus.PLANNED)
    desc = parse(timeline_svg(roadmap, TODAY)).find("svg:desc", NS).text
    assert desc == "Дорожная карта: 1 мероприятие с датами, из них выполнено 0, просрочено 0"


def test_long_labels_are_truncated_but_the_tooltip_keeps_the_whole_title():
    roadmap = make_roadmap()
    long_title = "Изучение и систематизация имеющихся материалов по проблеме наставничества в организации"
    roadmap.stages[0].activities[0].title = long_title
    root = parse(timeline_svg(roadmap, TODAY))
    label = texts(root.find(".//svg:g[@class='activity']", NS))[0]
    assert label.endswith("…") and len(label) < len(f"1.1 {long_title}")
    assert f"1.1 {long_title}".startswith(label[:-1])
    assert long_title in bars(root)["1.1"].find("svg:title", NS).text


def test_markup_in_titles_is_escaped():
    roadmap = make_roadmap(title='Карта <script>alert("x")</script> & Co')
    roadmap.stages[0].title = "<b>Этап</b>"
    roadmap.stages[0].activities[0].title = "<script>alert(1)</script>"
    svg = timeline_svg(roadmap, TODAY)
    assert "<script>" not in svg and "<b>" not in svg
    root = parse(svg)  # still well-formed XML
    assert root.find(".//svg:script", NS) is None
    assert root.find("svg:title", NS).text == 'График дорожной карты «Карта <script>alert("x")</script> & Co»'
    assert bars(root)["1.1"].find("svg:title", NS).text.startswith("1.1 <script>alert(1)</script> — ")
    assert "1. <b>Этап</b>" in texts(root)
