"""Weeks and months read as the reader's language writes them; stored values keep ISO."""

import datetime as dt

import pytest
from django.template import Context, Template
from django.utils import translation

from opsplan.templatetags.periods import iso_week


@pytest.mark.parametrize(("language", "shown"), [("en", "2026-W07"), ("zh-hans", "2026年第07周")])
def test_an_iso_week_in_the_readers_language(language, shown):
    with translation.override(language):
        assert iso_week("2026-W07") == shown


@pytest.mark.parametrize("value", ["", None, "2026-13", "week 7", "2026-W"])
def test_anything_else_is_left_as_it_is(value):
    assert iso_week(value) == value


@pytest.mark.parametrize(("language", "shown"), [("en", "March 2027"), ("zh-hans", "2027年3月")])
def test_a_month_in_the_readers_language(language, shown):
    with translation.override(language):
        html = Template('{{ day|date:"YEAR_MONTH_FORMAT" }}').render(
            Context({"day": dt.date(2027, 3, 1)}))
    assert html == shown
