"""The costs API: the same rules as the pages, idempotent bulk entries, the one error shape,
constant query counts."""

import datetime as dt

import pytest

from costs.models import BudgetLine, CostEntry, IdempotencyKey
from tests.costs import builders

pytestmark = pytest.mark.django_db
BASE = "/api/v1/costs"


def _row(plan, **extra):
    return {"plan": str(plan.pk), "category": "marketing", "department": "sales",
            "date": "2027-03-01", "amount": "10.00", **extra}


def test_record_an_entry_and_learn_what_it_did(api, running_plan, unit_head):
    response = api.as_(unit_head).post(f"{BASE}/entries/", {
        "plan": running_plan.pk, "category": "marketing", "department": "sales",
        "incurred_on": "2027-03-01", "amount": "1100.00", "reference": "INV-7"})
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["outcome"]["status"] == "warning"
    assert body["outcome"]["explanation_required"] is True
    assert body["entry"]["reference"] == "INV-7"


def test_bulk_is_all_or_nothing_with_row_errors(api, running_plan, unit_head):
    response = api.as_(unit_head).post(f"{BASE}/entries/bulk/", {"rows": [
        _row(running_plan), _row(running_plan, amount="abc"),
        _row(running_plan, department="marketing")]})
    assert response.status_code == 400
    rows = response.json()["rows"]
    assert {(r["row"], r["column"]) for r in rows} == {(2, "amount"), (3, "department")}
    assert not CostEntry.objects.exists()


def test_bulk_is_idempotent(api, running_plan, unit_head):
    client = api.as_(unit_head)
    body = {"rows": [_row(running_plan, reference="A-1"), _row(running_plan, amount="5")]}
    first = client.post(f"{BASE}/entries/bulk/", body, HTTP_IDEMPOTENCY_KEY="batch-1")
    assert first.status_code == 201
    again = client.post(f"{BASE}/entries/bulk/", body, HTTP_IDEMPOTENCY_KEY="batch-1")
    assert again.status_code == 200
    assert again["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    assert CostEntry.objects.count() == 2
    other = client.post(f"{BASE}/entries/bulk/", {"rows": [_row(running_plan)]},
                        HTTP_IDEMPOTENCY_KEY="batch-1")
    assert other.status_code == 409
    assert IdempotencyKey.objects.count() == 1


def test_bad_input_is_a_400_naming_the_field(api, running_plan, author):
    client = api.as_(author)
    for body, field in (
        ({"plan": 10**30, "category": "marketing", "department": "sales",
          "incurred_on": "2027-03-01", "amount": "1"}, "plan"),
        ({"plan": running_plan.pk, "category": "marketing", "department": "sales",
          "incurred_on": "2027-03-01", "amount": "1e400"}, "amount"),
        ({"plan": running_plan.pk, "category": "marketing", "department": "sales",
          "incurred_on": "2027-03-01", "amount": "1", "note": "a\x00b"}, "note"),
        ({"plan": running_plan.pk, "category": "nope", "department": "sales",
          "incurred_on": "2027-03-01", "amount": "1"}, "category"),
    ):
        response = client.post(f"{BASE}/entries/", body)
        assert response.status_code == 400, response.json()
        assert field in response.json()["errors"]


def test_budget_lines_through_the_api(api, drafting_plan, author, sales):
    client = api.as_(author)
    response = client.post(f"{BASE}/lines/", {
        "plan": drafting_plan.pk, "category": "personnel", "department": sales.pk,
        "description": "Two temps", "basis": "market_price", "amount": "999.99",
        "split_kind": "quarterly", "split_mode": "even"})
    assert response.status_code == 201, response.json()
    assert [p["amount"] for p in response.json()["periods"]] == ["250.00", "250.00", "250.00",
                                                                "249.99"]
    pk = response.json()["id"]
    bad = client.patch(f"{BASE}/lines/{pk}/", {
        "split_mode": "manual", "periods": [{"period_start": "2027-01-01", "amount": "1"}]},
        format="json")
    assert bad.status_code == 400 and "periods" in bad.json()["errors"]
    assert client.delete(f"{BASE}/lines/{pk}/").status_code == 204
    assert not BudgetLine.objects.exists()


def test_a_frozen_budget_is_a_409(api, running_plan, author):
    line = running_plan.budget_lines.get()
    response = api.as_(author).patch(f"{BASE}/lines/{line.pk}/", {"amount": "1"})
    assert response.status_code == 409


def test_variance_endpoint(api, running_plan, unit_head, sales, author):
    builders.spend(running_plan, unit_head, sales, "150.00", day=dt.date(2027, 1, 5))
    response = api.as_(author).get(f"{BASE}/plans/{running_plan.pk}/variance/",
                                   {"grain": "quarter"})
    assert response.status_code == 200
    row = response.json()["rows"][0]
    assert (row["key"], row["budget"], row["actual"]) == ("marketing", "1200.00", "150.00")
    assert row["periods"][0]["label"] == "2027 Q1"
    assert api.get(f"{BASE}/plans/{running_plan.pk}/variance/",
                   {"grain": "week"}).status_code == 400
    budget = api.get(f"{BASE}/plans/{running_plan.pk}/").json()
    assert budget["total"] == "1200.00" and budget["currency"] == "CNY"


def test_plans_out_of_scope_are_not_found(api, author, marketing, outsider):
    from tests.plans import builders as plans

    hidden = plans.new_plan(author, level="unit", department=marketing)
    assert api.as_(outsider).get(f"{BASE}/plans/{hidden.pk}/").status_code == 404
    assert api.as_(None).get(f"{BASE}/lines/").status_code == 401


def test_suggestion_flow_through_the_api(api, unit_staff, author, planning_manager, sales,
                                        unit_head):
    response = api.as_(unit_staff).post(f"{BASE}/suggestions/", {
        "title": "Print less", "description": "Duplex by default."})
    assert response.status_code == 201
    pk = response.json()["id"]
    assert api.as_(unit_staff).post(f"{BASE}/suggestions/{pk}/evaluate/", {
        "accept": True, "feasibility": 5}).status_code == 403
    assert api.as_(author).post(f"{BASE}/suggestions/{pk}/evaluate/", {
        "accept": True, "feasibility": 5, "expected_saving": "2000"}).status_code == 200
    measure = api.as_(author).post(f"{BASE}/suggestions/{pk}/measure/", {
        "kind": "spend_control", "department": sales.pk, "owner": unit_head.pk})
    assert measure.status_code == 201
    confirmed = api.as_(planning_manager).post(
        f"{BASE}/measures/{measure.json()['id']}/confirm/", {"realised_saving": "2000"})
    assert confirmed.status_code == 200
    rewards = api.as_(unit_staff).get(f"{BASE}/rewards/").json()["results"]
    assert rewards[0]["amount"] == "100.00"


def test_policies_list_every_category_and_only_the_manager_changes_them(
        api, author, planning_manager):
    assert len(api.as_(author).get(f"{BASE}/policies/").json()) == 5
    assert api.as_(author).patch(f"{BASE}/policies/marketing/",
                                 {"warn_percent": "80"}).status_code == 403
    response = api.as_(planning_manager).patch(f"{BASE}/policies/marketing/",
                                               {"warn_percent": "80"})
    assert response.status_code == 200 and response.json()["warn_percent"] == "80.0"


@pytest.mark.parametrize("count", [3, 30])
def test_api_lists_have_constant_query_counts(api, running_plan, unit_head, sales, author,
                                              count, django_assert_max_num_queries):
    for n in range(count):
        builders.spend(running_plan, unit_head, sales, "1", reference=f"R{n}")
    client = api.as_(author)
    for path in ("entries", "lines", "targets", "overruns", "explanations", "measures",
                 "suggestions", "rewards"):
        with django_assert_max_num_queries(12):
            assert client.get(f"{BASE}/{path}/").status_code == 200
    with django_assert_max_num_queries(14):
        assert client.get(f"{BASE}/plans/{running_plan.pk}/variance/").status_code == 200


def test_department_costs_through_the_api(api, running_plan, unit_head, sales, unit_staff,
                                          reviewer):
    builders.spend(running_plan, unit_head, sales, "150.00", day=dt.date(2027, 1, 5))
    response = api.as_(unit_staff).get(f"{BASE}/departments/sales/", {"grain": "quarter"})
    assert response.status_code == 200
    assert response.json()["rows"][0]["actual"] == "150.00"
    assert api.as_(reviewer).get(f"{BASE}/departments/sales/").status_code == 404
