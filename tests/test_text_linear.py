"""Issue 18, finding 3: rendering Markdown costs time linear in the text's length, whatever the text.

Python-Markdown scanned from every unclosed `[`, `(` after a link text, or `<` to the end of the text: 20 000 of
them took minutes of one worker. The tests count work, not seconds: the Python lines Markdown executes for a text
and for the same text twice as long. Linear work doubles; quadratic work quadruples.
"""
from __future__ import annotations

import sys

import pytest

from portal.text import render_markdown

HOSTILE = {
    "unclosed brackets": lambda n: "[" * n,
    "angles then brackets": lambda n: "<" * (n // 2) + "[" * (n // 2),
    "deeply nested brackets": lambda n: "[" * (n // 2) + "]" * (n // 2),
    "link texts without a closing parenthesis": lambda n: "[a](" * (n // 4),
    "unclosed tags": lambda n: "<a " * (n // 3),
    "images without an end": lambda n: "![" * (n // 2),
}


def lines_executed(text: str) -> int:
    count = 0

    def tracer(frame, event, arg):
        nonlocal count
        if event == "line":
            count += 1
        return tracer

    sys.settrace(tracer)
    try:
        render_markdown(text)
    finally:
        sys.settrace(None)
    return count


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_markdown_costs_linear_work(name):
    make = HOSTILE[name]
    short, long = lines_executed("Текст " + make(600)), lines_executed("Текст " + make(1200))
    assert long < 2.6 * short, (name, short, long)


@pytest.mark.parametrize("text, html", [
    ("[" * 40, "<p>" + "[" * 40 + "</p>"),
    ("a < b " * 40, "<p>" + "a &lt; b " * 40 + "</p>"),
    ("(" * 30 + "[ссылка](https://example.org)", "<p>" + "(" * 30 + "<a href=\"https://example.org\" rel=\"noopener noreferrer\">ссылка</a></p>"),
])
def test_many_unclosed_openers_render_as_the_characters_typed(text, html):
    assert render_markdown(text) == html


def test_ordinary_text_renders_as_before():
    text = "Смотрите [положение](https://example.org/a) (приказ № 5 [в ред. 2024]) и <b>важно</b>: 2 < 3, [черновик."
    assert render_markdown(text) == ('<p>Смотрите <a href="https://example.org/a" rel="noopener noreferrer">положение</a>'
                                     ' (приказ № 5 [в ред. 2024]) и <b>важно</b>: 2 &lt; 3, [черновик.</p>')
