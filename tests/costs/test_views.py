"""Cost pages: the same rules as the API, forms that name the field, uploads all or nothing,
the warning and explanation request after an entry, constant query counts."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from costs import services
from costs.models import BudgetLine, CostEntry, EntryImport, Suggestion
from tests.costs import builders

pytestmark = pytest.mark.django_db


def test_budget_line_form_splits_and_names_the_field(client, drafting_plan, author, sales):
    client.force_login(author)
    url = reverse("costs:line-add", args=[drafting_plan.pk])
    assert client.get(url).status_code == 200
    bad = client.post(url, {"category": "material", "department": sales.pk,
                            "description": "Paper", "basis": "history", "amount": "abc",
                            "split_kind": "monthly", "split_mode": "even"})
    assert bad.status_code == 400 and "amount" in bad.context["form"].errors
    manual = client.post(url, {"category": "material", "department": sales.pk,
                               "description": "Paper", "basis": "history", "amount": "100",
                               "split_kind": "quarterly", "split_mode": "manual",
                               "periods": "2027-Q1: 60\n2027-Q2: 30"})
    assert manual.status_code == 400 and "periods" in manual.context["form"].errors
    ok = client.post(url, {"category": "material", "department": sales.pk,
                           "description": "Paper", "basis": "history", "amount": "100",
                           "split_kind": "quarterly", "split_mode": "manual",
                           "periods": "2027-Q1: 60\n2027-Q2: 30\n2027-Q3: 10"})
    assert ok.status_code == 302
    line = BudgetLine.objects.get()
    assert [p.amount for p in line.periods.all()] == [60, 30, 10, 0]


def test_entry_crossing_the_threshold_shows_the_warning_and_asks_why(client, running_plan,
                                                                    unit_head, sales):
    client.force_login(unit_head)
    response = client.post(reverse("costs:entry-add", args=[running_plan.pk]), {
        "kind": "actual", "category": "marketing", "department": sales.pk,
        "incurred_on": "2027-03-04", "amount": "1100.00", "reference": "INV-1"}, follow=True)
    assert response.status_code == 200
    text = response.content.decode()
    assert "Warning: Marketing expense has used 1100.00" in text
    assert "Explain this variance" in text
    assert CostEntry.objects.count() == 1
    explain = reverse("costs:explain", args=[running_plan.pk])
    done = client.post(explain, {"category": "marketing", "month": "2027-03",
                                 "text": "Fair booked early."}, follow=True)
    assert "Fair booked early." in done.content.decode()
    assert 'id="explanation-requests"' not in done.content.decode()


def test_entry_form_errors_name_the_field(client, running_plan, unit_head, sales):
    client.force_login(unit_head)
    response = client.post(reverse("costs:entry-add", args=[running_plan.pk]), {
        "kind": "actual", "category": "marketing", "department": sales.pk,
        "incurred_on": "2029-03-04", "amount": "0"})
    assert response.status_code == 400
    assert {"amount"} <= set(response.context["form"].errors)
    response = client.post(reverse("costs:entry-add", args=[running_plan.pk]), {
        "kind": "actual", "category": "marketing", "department": sales.pk,
        "incurred_on": "2029-03-04", "amount": "3"})
    assert "incurred_on" in response.context["form"].errors


def test_entry_on_a_plan_not_running_is_a_409(client, drafting_plan, author):
    client.force_login(author)
    assert client.get(reverse("costs:entry-add", args=[drafting_plan.pk])).status_code == 409


def _csv(text):
    return SimpleUploadedFile("costs.csv", text.encode(), content_type="text/csv")


def test_upload_is_all_or_nothing_with_row_errors(client, running_plan, unit_head):
    client.force_login(unit_head)
    header = "plan,kind,category,department,date,amount,reference,note\n"
    bad = (f"{running_plan.pk},actual,marketing,sales,2027-02-01,10,A,\n"
           f"{running_plan.pk},actual,marketing,sales,2027-02-01,ten,B,\n"
           f"{running_plan.pk},actual,marketing,nowhere,2027-02-01,10,C,\n")
    response = client.post(reverse("costs:upload"), {"file": _csv(header + bad)})
    batch = EntryImport.objects.get()
    assert response.status_code == 302
    assert [(e["row"], e["column"]) for e in batch.errors] == [(3, "amount"),
                                                               (4, "department")]
    preview = client.get(reverse("costs:upload-preview", args=[batch.pk]))
    assert not preview.context["can_confirm"]
    assert client.post(reverse("costs:upload-confirm", args=[batch.pk])).status_code == 409
    assert not CostEntry.objects.exists()
    good = (f"{running_plan.pk},actual,marketing,sales,2027-02-01,10,A,\n"
            f"{running_plan.pk},commitment,marketing,sales,2027-02-01,20,B,PO\n")
    client.post(reverse("costs:upload"), {"file": _csv(header + good)})
    batch = EntryImport.objects.order_by("-pk").first()
    assert batch.errors == []
    client.post(reverse("costs:upload-confirm", args=[batch.pk]))
    assert CostEntry.objects.count() == 2
    assert client.post(reverse("costs:upload-confirm", args=[batch.pk])).status_code == 409
    assert CostEntry.objects.count() == 2


def test_upload_with_a_wrong_header_says_so(client, unit_head):
    client.force_login(unit_head)
    response = client.post(reverse("costs:upload"), {"file": _csv("a,b\n1,2\n")})
    assert response.status_code == 400
    assert "header" in str(response.context["form"].errors["file"])


def test_someone_elses_upload_is_not_found(client, running_plan, unit_head, author):
    batch = EntryImport.objects.create(user=author, filename="x.csv", rows=[])
    client.force_login(unit_head)
    assert client.get(reverse("costs:upload-preview", args=[batch.pk])).status_code == 404


def test_suggestion_pages(client, unit_staff, author, sales, unit_head, planning_manager):
    client.force_login(unit_staff)
    response = client.post(reverse("costs:suggestion-add"), {"title": "Less paper",
                                                             "description": "Duplex."})
    suggestion = Suggestion.objects.get()
    assert response.status_code == 302
    client.force_login(author)
    page = client.get(reverse("costs:suggestion", args=[suggestion.pk]))
    assert page.context["can_evaluate"]
    client.post(reverse("costs:suggestion-evaluate", args=[suggestion.pk]), {
        "accept": "accept", "feasibility": "4", "expected_saving": "5000"})
    client.post(reverse("costs:suggestion-measure", args=[suggestion.pk]), {
        "kind": "spend_control", "department": sales.pk, "owner": unit_head.pk})
    suggestion.refresh_from_db()
    client.force_login(planning_manager)
    client.post(reverse("costs:measure-confirm", args=[suggestion.measure_id]),
                {"realised_saving": "4000"})
    board = client.get(reverse("costs:suggestions")).content.decode()
    assert "Cash reward" in board and "200.00" in board


def test_pages_render(client, running_plan, author, sales):
    client.force_login(author)
    for name, args in (("costs:index", []), ("costs:plan", [running_plan.pk]),
                       ("costs:report", [running_plan.pk]), ("costs:policies", []),
                       ("costs:measures", []), ("costs:suggestions", []),
                       ("costs:department", [sales.code]), ("costs:upload", [])):
        assert client.get(reverse(name, args=args)).status_code == 200, name
    export = client.get(reverse("costs:export", args=[running_plan.pk]))
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")


def test_report_shows_charts(client, running_plan, author, unit_head, sales):
    builders.spend(running_plan, unit_head, sales, "150.00", day=dt.date(2027, 1, 5))
    client.force_login(author)
    page = client.get(reverse("costs:report", args=[running_plan.pk]), {"grain": "quarter"})
    text = page.content.decode()
    assert text.count("<svg") == 2 and "2027 Q1" in text
    assert "style=" not in text[text.index("<svg"):]


def test_a_hidden_plan_is_not_found(client, author, marketing, outsider):
    from tests.plans import builders as plans

    hidden = plans.new_plan(author, level="unit", department=marketing)
    client.force_login(outsider)
    assert client.get(reverse("costs:plan", args=[hidden.pk])).status_code == 404


@pytest.mark.parametrize("count", [3, 30])
def test_list_pages_have_constant_query_counts(client, running_plan, unit_head, sales, author,
                                               count, django_assert_max_num_queries):
    for n in range(count):
        builders.spend(running_plan, unit_head, sales, "1", reference=f"R{n}")
        services.suggestion_submit(actor=unit_head, title=f"S{n}", description="d")
        services.measure_save(actor=unit_head, title=f"M{n}", kind="process",
                              department=sales, owner=unit_head, expected_saving=Decimal(1))
    client.force_login(author)
    for name, args, limit in (("costs:index", [], 16), ("costs:plan", [running_plan.pk], 24),
                              ("costs:report", [running_plan.pk], 16),
                              ("costs:measures", [], 14), ("costs:suggestions", [], 14)):
        with django_assert_max_num_queries(limit):
            assert client.get(reverse(name, args=args)).status_code == 200


@pytest.mark.parametrize("periods", ["2027-Q1: 1e999", "2027-Q9: 1", "nonsense", "2027-Q1: 0.001",
                                     "2027-Q1: NaN"])
def test_bad_manual_periods_are_a_form_error(client, drafting_plan, author, sales, periods):
    client.force_login(author)
    response = client.post(reverse("costs:line-add", args=[drafting_plan.pk]), {
        "category": "material", "department": sales.pk, "description": "Paper",
        "basis": "history", "amount": "100", "split_kind": "quarterly", "split_mode": "manual",
        "periods": periods})
    assert response.status_code == 400
    assert "periods" in response.context["form"].errors


def test_history_is_offered_when_estimating(client, running_plan, unit_head, sales, author):
    from tests.plans import builders as plans

    builders.spend(running_plan, unit_head, sales, "250.00")
    later = plans.drafting(author, title="Next year", period_start=dt.date(2028, 1, 1))
    client.force_login(author)
    page = client.get(reverse("costs:line-add", args=[later.pk])).content.decode()
    assert "Sales · Marketing expense 250.00" in page
