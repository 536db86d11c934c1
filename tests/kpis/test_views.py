"""Catalog and data-entry pages, and the rollup progress view."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from kpis.models import Correction, Indicator, Measurement

pytestmark = pytest.mark.django_db


def test_catalog_lists_only_readable_indicators(client, unit_staff, planning_department):
    Indicator.objects.create(code="secret", name_en="Secret", name_zh="机密", unit="x",
                             owner_department=planning_department, visibility="committee")
    client.force_login(unit_staff)
    codes = {i.code for i in client.get(reverse("kpis:catalog")).context["indicators"]}
    assert "revenue" in codes
    assert "secret" not in codes


def test_catalog_query_count_is_constant(client, author, planning_department):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(author)
    with CaptureQueriesContext(connection) as small:
        client.get(reverse("kpis:catalog"))
    Indicator.objects.bulk_create([
        Indicator(code=f"x{i}", name_en=f"X{i}", name_zh=f"X{i}", unit="u",
                  owner_department=planning_department) for i in range(300)])
    with CaptureQueriesContext(connection) as large:
        client.get(reverse("kpis:catalog"))
    assert len(small.captured_queries) == len(large.captured_queries)


def test_catalog_pages_by_fifty_keeping_the_search(client, author, planning_department):
    Indicator.objects.bulk_create([
        Indicator(code=f"zz{i:03}", name_en=f"Zeta {i}", name_zh=f"Z{i}", unit="u",
                  owner_department=planning_department) for i in range(60)])
    client.force_login(author)
    first = client.get(reverse("kpis:catalog"), {"q": "zz"})
    assert [i.code for i in first.context["indicators"]][:2] == ["zz000", "zz001"]
    assert len(first.context["indicators"]) == 50
    assert 'href="?q=zz&amp;page=2"' in first.content.decode()
    second = client.get(reverse("kpis:catalog"), {"q": "zz", "page": 2})
    assert [i.code for i in second.context["indicators"]] == [f"zz{i:03}" for i in range(50, 60)]


def test_record_a_value_and_correct_it_with_a_reason(client, unit_staff, sales):
    client.force_login(unit_staff)
    url = reverse("kpis:measurement-add")
    form = {"indicator": "revenue", "department": "sales", "period": "2026-03-10",
            "value": "100"}
    assert client.post(url, form).status_code == 302
    measurement = Measurement.objects.get()
    assert measurement.period_start == dt.date(2026, 3, 1)
    response = client.post(url, {**form, "value": "90"})
    assert response.status_code == 400
    assert "reason" in response.context["form"].errors
    assert client.post(url, {**form, "value": "90", "reason": "returns"}).status_code == 302
    measurement.refresh_from_db()
    assert measurement.value == Decimal(90)
    assert Correction.objects.get().reason == "returns"


def test_value_for_another_department_is_refused(client, unit_staff, marketing):
    client.force_login(unit_staff)
    response = client.post(reverse("kpis:measurement-add"), {
        "indicator": "revenue", "department": "marketing", "period": "2026-03-10",
        "value": "100"})
    assert response.status_code == 400
    assert not Measurement.objects.exists()


def test_only_planning_sets_targets_and_edits_the_catalog(client, unit_head, author):
    client.force_login(unit_head)
    assert client.get(reverse("kpis:target-add", args=["revenue"])).status_code == 403
    assert client.get(reverse("kpis:indicator-edit", args=["revenue"])).status_code == 403
    assert client.get(reverse("kpis:indicator-create")).status_code == 403
    client.force_login(author)
    assert client.get(reverse("kpis:indicator-edit", args=["revenue"])).status_code == 200


def test_full_rollup_shows_progress_to_whoever_started_it(client, author, unit_staff):
    client.force_login(unit_staff)
    assert client.post(reverse("kpis:rollup-run")).status_code == 403
    client.force_login(author)
    response = client.post(reverse("kpis:rollup-run"))
    assert response.status_code == 302
    task_id = response.url.rstrip("/").rsplit("/", 1)[-1]
    status = client.get(reverse("task-status", args=[task_id]))
    assert status.status_code == 286  # finished: htmx stops polling
    assert "<progress" in status.content.decode()
    client.force_login(unit_staff)
    assert client.get(reverse("task-status", args=[task_id])).status_code == 404
