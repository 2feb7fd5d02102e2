"""Russian dates, plural forms and sizes as the site and the admin print them."""
from __future__ import annotations

from datetime import date, datetime

import pytest

from portal.filters import file_size, plural, ru_date, ru_month


@pytest.mark.parametrize("n, expected", [
    (0, "0 наставников"), (1, "1 наставник"), (2, "2 наставника"), (4, "4 наставника"), (5, "5 наставников"),
    (11, "11 наставников"), (12, "12 наставников"), (14, "14 наставников"), (21, "21 наставник"),
    (22, "22 наставника"), (25, "25 наставников"), (101, "101 наставник"), (111, "111 наставников"),
])
def test_plural_follows_russian_rules(n, expected):
    assert plural(n, "наставник", "наставника", "наставников") == expected


def test_dates_are_written_the_russian_way():
    assert ru_date(date(2024, 3, 12)) == "12 марта 2024 г."
    assert ru_date(datetime(2026, 11, 22, 14, 30)) == "22 ноября 2026 г., 14:30"
    assert ru_date(None) == ""
    assert ru_month(date(2027, 1, 1)) == "Январь 2027"


@pytest.mark.parametrize("size, expected", [
    (512, "512 Б"), (2048, "2 КБ"), (1_258_291, "1,2 МБ"), (10 * 1024 ** 2, "10 МБ"), (3 * 1024 ** 3 // 2, "1,5 ГБ"),
])
def test_file_sizes_use_a_decimal_comma(size, expected):
    assert file_size(size) == expected
