"""The KPI API: catalog access rules, idempotent bulk ingestion (JSON and CSV), all-or-nothing
batches with row errors, corrections kept with who and why."""

import pytest

from kpis.models import Correction, IdempotencyKey, Indicator, Measurement

pytestmark = pytest.mark.django_db

ROW = {"indicator": "revenue", "department": "sales", "period": "2026-03", "value": "120.5"}


@pytest.fixture
def committee_only(planning_department):
    return Indicator.objects.create(code="secret", name_en="Secret", name_zh="机密", unit="x",
                                    owner_department=planning_department,
                                    visibility="committee")


def test_catalog_hides_what_a_department_may_not_read(api, unit_staff, committee_member,
                                                      committee_only):
    api.as_(unit_staff)
    codes = {i["code"] for i in api.get("/api/v1/kpis/indicators/",
                                        {"page_size": 100}).json()["results"]}
    assert "revenue" in codes
    assert "secret" not in codes
    assert api.get("/api/v1/kpis/indicators/secret/").status_code == 404
    api.as_(committee_member)
    assert api.get("/api/v1/kpis/indicators/secret/").status_code == 200


def test_only_the_planning_department_keeps_the_catalog(api, unit_head, author,
                                                        planning_department):
    body = {"code": "nps", "name_en": "Net promoter score", "name_zh": "净推荐值",
            "unit": "points", "owner_department": planning_department.pk}
    assert api.as_(unit_head).post("/api/v1/kpis/indicators/", body).status_code == 403
    response = api.as_(author).post("/api/v1/kpis/indicators/", body)
    assert response.status_code == 201, response.json()


def test_bulk_json_stores_rows_and_the_key_replays(api, author, sales):
    api.as_(author)
    headers = {"HTTP_IDEMPOTENCY_KEY": "batch-1"}
    first = api.post("/api/v1/kpis/measurements/bulk/", {"rows": [ROW]}, format="json",
                     **headers)
    assert first.status_code == 201, first.json()
    assert first.json() == {"created": 1, "updated": 0, "unchanged": 0}
    again = api.post("/api/v1/kpis/measurements/bulk/", {"rows": [ROW]}, format="json",
                     **headers)
    assert again.status_code == 200
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert Measurement.objects.count() == 1
    other = api.post("/api/v1/kpis/measurements/bulk/",
                     {"rows": [{**ROW, "value": "1"}]}, format="json", **headers)
    assert other.status_code == 409
    assert Measurement.objects.get().value == 120.5


def test_bulk_csv(api, author, sales):
    body = "indicator,department,period,value,note\nrevenue,sales,2026-03,10,\n" \
           "revenue,sales,2026-04,11,april\n"
    response = api.as_(author).post("/api/v1/kpis/measurements/bulk/", body,
                                    content_type="text/csv")
    assert response.status_code == 201, response.json()
    assert response.json()["created"] == 2


def test_one_bad_row_stores_nothing(api, author, sales):
    rows = [ROW, {**ROW, "period": "2026-04", "value": "abc"},
            {**ROW, "period": "2026-05", "indicator": "nope"}]
    response = api.as_(author).post("/api/v1/kpis/measurements/bulk/", {"rows": rows},
                                    format="json")
    assert response.status_code == 400
    errors = response.json()["rows"]
    assert {"row": 2, "column": "value", "reason": "Not a number."} in errors
    assert any(e["row"] == 3 and e["column"] == "indicator" for e in errors)
    assert Measurement.objects.count() == 0
    assert not IdempotencyKey.objects.exists()


def test_duplicates_within_a_batch_are_reported(api, author, sales):
    rows = [ROW, {**ROW, "period": "2026-03-20"}]  # same month: same natural key
    response = api.as_(author).post("/api/v1/kpis/measurements/bulk/", {"rows": rows},
                                    format="json")
    assert response.status_code == 400
    assert response.json()["rows"][0]["row"] == 2


def test_upsert_keeps_the_old_value_with_who_and_why(api, author, sales):
    api.as_(author)
    api.post("/api/v1/kpis/measurements/bulk/", {"rows": [ROW]}, format="json")
    response = api.post("/api/v1/kpis/measurements/bulk/",
                        {"rows": [{**ROW, "value": "130", "reason": "late invoices"}]},
                        format="json")
    assert response.json() == {"created": 0, "updated": 1, "unchanged": 0}
    correction = Correction.objects.get()
    assert (correction.old_value, correction.new_value, correction.reason,
            correction.corrected_by) == (120.5, 130, "late invoices", author)
    same = api.post("/api/v1/kpis/measurements/bulk/",
                    {"rows": [{**ROW, "value": "130"}]}, format="json")
    assert same.json()["unchanged"] == 1
    listed = api.get("/api/v1/kpis/measurements/", {"indicator": "revenue"}).json()
    assert listed["results"][0]["corrections"][0]["reason"] == "late invoices"


def test_unit_staff_supply_their_own_department_only(api, unit_staff, sales, marketing):
    api.as_(unit_staff)
    own = api.post("/api/v1/kpis/measurements/bulk/", {"rows": [ROW]}, format="json")
    assert own.status_code == 201
    other = api.post("/api/v1/kpis/measurements/bulk/",
                     {"rows": [{**ROW, "department": "marketing"}]}, format="json")
    assert other.status_code == 400
    assert other.json()["rows"][0]["column"] == "department"


def test_hostile_bodies_are_4xx(api, author, sales):
    api.as_(author)
    for body, content_type in [(b"\xff\xfe\x00bad", "text/csv"), (b"", "text/csv"),
                               (b"{not json", "application/json")]:
        response = api.generic("POST", "/api/v1/kpis/measurements/bulk/", body,
                               content_type=content_type)
        assert 400 <= response.status_code < 500, (body, response.status_code)
    huge = {"rows": [{**ROW, "value": "9" * 400}]}
    assert api.post("/api/v1/kpis/measurements/bulk/", huge, format="json").status_code == 400
    nul = {"rows": [{**ROW, "note": "a\x00b"}]}
    assert api.post("/api/v1/kpis/measurements/bulk/", nul, format="json").status_code == 400


def test_rollups_follow_ingestion(api, author, sales, django_capture_on_commit_callbacks):
    api.as_(author)
    with django_capture_on_commit_callbacks(execute=True):
        api.post("/api/v1/kpis/measurements/bulk/", {"rows": [
            ROW, {**ROW, "period": "2026-02", "value": "100"}]}, format="json")
    quarter = api.get("/api/v1/kpis/rollups/", {"indicator": "revenue", "grain": "quarter"})
    assert quarter.json()["results"][0]["value"] == "220.5000"


@pytest.mark.parametrize("url", ["/api/v1/kpis/indicators/", "/api/v1/kpis/measurements/",
                                 "/api/v1/kpis/rollups/", "/api/v1/kpis/signals/",
                                 "/api/v1/kpis/targets/"])
def test_api_lists_have_a_constant_query_count(api, author, sales, url):
    import datetime as dt
    from decimal import Decimal

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from kpis import rollups, services
    from kpis.models import Correction, DeviationSignal, Rollup, Target

    revenue = Indicator.objects.get(code="revenue")

    def make(n, offset):
        rows = [Measurement(indicator=revenue, department=sales,
                            period_start=dt.date(2000, 1, 1) + dt.timedelta(days=offset + i),
                            value=Decimal(i), recorded_by=author) for i in range(n)]
        Measurement.objects.bulk_create(rows)
        saved = Measurement.objects.filter(period_start__in=[r.period_start for r in rows])
        Correction.objects.bulk_create([Correction(measurement=m, old_value=1, new_value=2,
                                                   reason="r", corrected_by=author)
                                        for m in saved])
        Indicator.objects.bulk_create([
            Indicator(code=f"i{offset + i}", name_en="i", name_zh="i", unit="u",
                      owner_department=revenue.owner_department) for i in range(n)])
        rollups.compute()
        for r in Rollup.objects.filter(grain="week")[:n]:
            Target.objects.get_or_create(indicator=revenue, department=sales, grain="week",
                                         period_start=r.period_start,
                                         defaults={"target": 10**6, "red_threshold": 10**5})
        services.evaluate_signals()

    from committee.selectors import forget_roles

    api.as_(author)
    make(3, 0)
    forget_roles(author)
    with CaptureQueriesContext(connection) as small:
        assert api.get(url, {"page_size": 500}).status_code == 200
    make(300, 1000)
    assert DeviationSignal.objects.count() > 3
    forget_roles(author)
    with CaptureQueriesContext(connection) as large:
        body = api.get(url, {"page_size": 500}).json()
    assert body["count"] > 3
    assert len(small.captured_queries) == len(large.captured_queries)
