"""Fixtures of the performance-evaluation tests."""

from decimal import Decimal as D

import pytest

from kpis import evaluation_services as ev
from kpis.choices import Aggregation, Frequency
from kpis.models import Indicator


@pytest.fixture
def revenue(planning_department):
    return Indicator.objects.create(code="revenue-ev", name_en="Revenue", name_zh="收入",
                                    unit="CNY", frequency=Frequency.MONTHLY,
                                    aggregation=Aggregation.SUM,
                                    owner_department=planning_department)


@pytest.fixture
def template(author, sales, revenue):
    template = ev.template_save(actor=author, department=sales, kpi_weight=D(60),
                                mbo_weight=D(30), feedback_weight=D(10))
    ev.item_add(actor=author, template=template, kind="quantitative", title="Revenue",
                indicator=revenue, weight=D(70), rule="linear", target=D(100),
                threshold=D(80))
    ev.item_add(actor=author, template=template, kind="qualitative", title="Teamwork",
                weight=D(30))
    return template
