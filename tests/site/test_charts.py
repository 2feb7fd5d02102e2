"""Bar charts as SVG: bars proportional to values, described for screen readers, safe against labels."""
from __future__ import annotations

import xml.etree.ElementTree as ET

from portal.site.charts import bar_chart

NS = {"svg": "http://www.w3.org/2000/svg"}


def test_bars_are_proportional_and_the_values_are_in_the_text_summary():
    chart = bar_chart("Пары по формам", [("Ученик – ученик", 10), ("Учитель – учитель", 5), ("Пусто", 0)], "c1")
    svg = ET.fromstring(str(chart.svg))
    widths = [float(rect.get("width")) for rect in svg.findall("svg:rect", NS)]
    assert len(widths) == 2 and abs(widths[0] / widths[1] - 2) < 0.01  # a zero row draws no bar
    assert svg.get("role") == "img" and svg.get("aria-labelledby") == "c1-title c1-desc"
    assert svg.find("svg:title", NS).text == "Пары по формам"
    assert svg.find("svg:desc", NS).text == "Ученик – ученик: 10; Учитель – учитель: 5"


def test_labels_are_escaped_and_nothing_is_drawn_without_data():
    chart = bar_chart("x", [("<script>alert(1)</script>", 3)], "c2")
    assert "<script>" not in str(chart.svg) and "&lt;script&gt;" in str(chart.svg)
    assert str(bar_chart("Пусто", [("a", 0)], "c3").svg) == ""
