"""The heat map's counts equal the register's; pages and the API answer alike; the register
costs a fixed number of queries however many rows it shows."""

import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from risks import selectors
from risks.models import Assessment, Risk
from tests.risks import builders

pytestmark = pytest.mark.django_db

CELLS = [(1, 1), (1, 1), (3, 3), (4, 4), (5, 5), (5, 5), (2, 5)]


@pytest.fixture
def register(unit_head, sales, reviewer, marketing, matrix):
    risks = [builders.assessed(unit_head, sales, likelihood=lk, impact=im, title=f"S{n}")
             for n, (lk, im) in enumerate(CELLS)]
    builders.assessed(reviewer, marketing, likelihood=5, impact=5, title="Marketing's")
    closed = builders.assessed(unit_head, sales, likelihood=3, impact=3, title="Closed")
    Risk.objects.filter(pk=closed.pk).update(status="closed")
    builders.new_risk(unit_head, sales, title="Unassessed")
    return risks


def test_heat_map_counts_equal_register_counts(client, api, unit_head, register, matrix):
    heat = selectors.heatmap(unit_head)
    inherent = heat["sides"][0]
    counts = {(c["likelihood"], c["impact"]): c["count"]
              for row in inherent["rows"] for c in row["cells"]}
    assert counts[(1, 1)] == 2 and counts[(5, 5)] == 2 and counts[(3, 3)] == 1
    assert inherent["total"] == len(CELLS)
    api.as_(unit_head)
    client.force_login(unit_head)
    for (likelihood, impact), count in counts.items():
        query = (f"open=true&cell_kind=inherent&likelihood={likelihood}&impact={impact}"
                 f"&matrix={matrix.pk}")
        assert api.get(f"/api/v1/risks/?{query}").json()["count"] == count
        page = client.get(f"/risks/?{query}")
        assert page.context["page"].paginator.count == count
    # the page links each non-empty cell to exactly that query
    html = client.get("/risks/heatmap/").content.decode()
    assert html.count("cell_kind=inherent&amp;likelihood=5&amp;impact=5") == 1
    api_heat = api.get("/api/v1/risks/heatmap/").json()
    assert {(c["likelihood"], c["impact"]): c["count"]
            for c in api_heat["sides"][0]["cells"]} == counts
    assert api_heat["sides"][1]["total"] == 0


def test_heat_map_shows_colours_and_text_labels(client, unit_head, register):
    client.force_login(unit_head)
    html = client.get("/risks/heatmap/").content.decode()
    assert 'fill="#c0392b"' in html and "Critical" in html and "Low" in html
    assert "style=" not in html.split("<main", 1)[1]  # CSP: no inline styles


def test_api_and_page_parity_for_assessing(client, api, unit_head, sales, matrix):
    a = builders.new_risk(unit_head, sales, title="By page")
    b = builders.new_risk(unit_head, sales, title="By API")
    client.force_login(unit_head)
    response = client.post(f"/risks/{a.pk}/assess/", {"kind": "inherent", "likelihood": "4",
                                                      "impact": "5", "probability": "40"})
    assert response.status_code == 302
    response = api.as_(unit_head).post(f"/api/v1/risks/{b.pk}/assess/", {
        "kind": "inherent", "likelihood": 4, "impact": 5, "probability": "40"})
    assert response.status_code == 201
    a, b = Risk.objects.get(pk=a.pk), Risk.objects.get(pk=b.pk)
    assert (a.status, a.inherent_level, a.inherent.probability) == (
        b.status, b.inherent_level, b.inherent.probability) == ("assessed", "critical", 40)
    # the same refusal on both: a likelihood outside the matrix names the field
    page = client.post(f"/risks/{a.pk}/assess/", {"kind": "inherent", "likelihood": "9",
                                                  "impact": "1"})
    assert page.status_code == 400 and "likelihood" in page.context["form"].errors
    assert api.post(f"/api/v1/risks/{b.pk}/assess/", {"kind": "inherent", "likelihood": 9,
                                                      "impact": 1}).status_code == 400
    # a residual before a response: 409 with the reason on both
    page = client.post(f"/risks/{a.pk}/assess/", {"kind": "residual", "likelihood": "1",
                                                  "impact": "1"})
    assert page.status_code == 409
    assert api.post(f"/api/v1/risks/{b.pk}/assess/", {"kind": "residual", "likelihood": 1,
                                                      "impact": 1}).status_code == 409


def test_pages_render(client, planning_manager, register, matrix):
    client.force_login(planning_manager)
    risk = register[0]
    for url in ("/risks/", "/risks/heatmap/", "/risks/matrix/", f"/risks/matrix/{matrix.pk}/",
                "/risks/checklist/", "/risks/new/", f"/risks/{risk.pk}/",
                f"/risks/{risk.pk}/edit/", f"/risks/{risk.pk}/assess/",
                f"/risks/{risk.pk}/respond/", f"/risks/{risk.pk}/actions/new/",
                "/risks/matrix/new/", "/risks/import/", "/risks/checklist/new/",
                f"/risks/{risk.pk}/transitions/close/"):
        assert client.get(url).status_code == 200, url
    assert client.get("/risks/?status=nonsense&likelihood=x").status_code == 400


def test_page_flow_record_assess_respond_close(client, unit_head, sales, matrix):
    client.force_login(unit_head)
    response = client.post("/risks/new/", {"title": "Supplier fails", "category": "financial",
                                           "method": "brainstorming", "department": sales.pk})
    assert response.status_code == 302
    risk = Risk.objects.get(title="Supplier fails")
    assert client.post(f"/risks/{risk.pk}/assess/", {"kind": "inherent", "likelihood": "3",
                                                     "impact": "4"}).status_code == 302
    assert client.post(f"/risks/{risk.pk}/respond/", {"strategy": "transfer",
                                                      "target_level": "low"}).status_code == 302
    assert client.post(f"/risks/{risk.pk}/actions/new/", {"title": "Insure", "cost": "1200.00",
                                                          "status": "open"}).status_code == 302
    assert client.post(f"/risks/{risk.pk}/transitions/close/", {"reason": ""}).status_code \
        == 400
    assert client.post(f"/risks/{risk.pk}/transitions/close/", {"reason": "Insured"}
                       ).status_code == 302
    risk.refresh_from_db()
    assert (risk.status, risk.strategy, risk.actions.get().cost) == ("closed", "transfer",
                                                                      1200)


# --- query counts --------------------------------------------------------------------------------

def _bulk(n, department, user, matrix):
    risks = Risk.objects.bulk_create([
        Risk(title=f"Bulk {i}", category="market", department=department, created_by=user,
             owner=user) for i in range(n)])
    assessments = Assessment.objects.bulk_create([
        Assessment(risk=r, kind="inherent", matrix=matrix, likelihood=1 + i % 5,
                   impact=1 + (i // 5) % 5, level=matrix.level(1 + i % 5, 1 + (i // 5) % 5),
                   assessed_at=timezone.now()) for i, r in enumerate(risks)])
    for risk, assessment in zip(risks, assessments, strict=True):
        risk.inherent, risk.inherent_level, risk.status = assessment, assessment.level, \
            "assessed"
    Risk.objects.bulk_update(risks, ["inherent", "inherent_level", "status"])


def _count(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx)


@pytest.mark.parametrize("url", ["/risks/", "/api/v1/risks/?page_size=500",
                                 "/risks/heatmap/", "/api/v1/risks/heatmap/",
                                 "/api/v1/risks/assessments/?page_size=500",
                                 "/risks/export/"])
def test_register_query_count_is_constant(client, unit_head, sales, matrix, url,
                                          django_assert_max_num_queries):
    client.force_login(unit_head)
    _bulk(3, sales, unit_head, matrix)
    small = _count(client, url)
    _bulk(297, sales, unit_head, matrix)
    with django_assert_max_num_queries(small):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("url", ["/risks/export/", "/api/v1/risks/export/"])
def test_export_holds_what_the_reader_sees(client, unit_staff, sales_risk, marketing_risk,
                                           url):
    from openpyxl import load_workbook

    client.force_login(unit_staff)
    response = client.get(url)
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    titles = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert titles == [sales_risk.title]
    assert client.get(f"{url}?category=nonsense").status_code == 400


def _csv(text):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("risks.csv", text.encode(), content_type="text/csv")


def test_import_is_all_or_nothing_with_row_errors(client, unit_staff, sales, marketing,
                                                  matrix):
    client.force_login(unit_staff)
    bad = ("title,category,department,likelihood,impact\n"
           "Good one,market,sales,3,3\n"
           "Wrong unit,market,marketing,,\n"
           ",nonsense,sales,9,1\n")
    response = client.post("/risks/import/", {"file": _csv(bad), "confirm": "1"})
    assert response.status_code == 400
    errors = {(e["row"], e["column"]) for e in response.context["result"]["errors"]}
    assert {(3, "department"), (4, "title"), (4, "category"), (4, "likelihood")} <= errors
    assert not Risk.objects.exists()
    good = "title,category,department,likelihood,impact\nGood one,market,sales,4,4\n"
    preview = client.post("/risks/import/", {"file": _csv(good)})
    assert preview.status_code == 200 and not Risk.objects.exists()
    assert preview.context["result"]["preview"][0]["level"] == "high"
    assert client.post("/risks/import/", {"file": _csv(good), "confirm": "1"}).status_code \
        == 302
    risk = Risk.objects.get()
    assert (risk.inherent_level, risk.created_by) == ("high", unit_staff)


def test_import_through_the_api(api, unit_staff, sales, matrix):
    api.as_(unit_staff)
    rows = [{"title": "A", "category": "legal", "department": "sales"},
            {"title": "B", "category": "legal", "department": "nowhere"}]
    response = api.post("/api/v1/risks/import/", {"rows": rows})
    assert response.status_code == 400
    assert "rows[1].department" in response.json()["errors"]
    response = api.post("/api/v1/risks/import/", {"rows": rows[:1], "dry_run": True})
    assert response.status_code == 200 and not Risk.objects.exists()
    response = api.post("/api/v1/risks/import/", {"rows": rows[:1]})
    assert response.status_code == 201 and len(response.json()["created"]) == 1


def test_new_high_risks_feed_the_weekly_agenda(unit_head, sales, matrix):
    since = timezone.now()
    builders.assessed(unit_head, sales, likelihood=1, impact=1, title="low")
    high = builders.assessed(unit_head, sales, likelihood=5, impact=5, title="critical")
    assert list(selectors.new_high_risks(since)) == [high]
    assert not selectors.new_high_risks(timezone.now()).exists()


def test_plan_risks_include_renders(rf, author, unit_staff, sales, matrix):
    from django.template.loader import render_to_string

    from risks.selectors import risks_for_plan
    from tests.plans import builders as plan_builders

    plan = plan_builders.new_plan(author)
    risk = builders.new_risk(author, sales, title="On the plan", plans=[plan])
    request = rf.get("/")
    request.user = get_user_model().objects.get(pk=unit_staff.pk)
    html = render_to_string("risks/includes/plan_risks.html", {
        "plan": plan, "plan_risks": risks_for_plan(plan, request.user)}, request=request)
    assert risk.title in html and re.search(r'href="/risks/\?plan=\d+"', html)


def test_plan_risks_tag_for_the_plan_page_and_its_review(rf, author, reviewer, marketing,
                                                         sales, unit_staff, matrix):
    from django.template import Context, Template

    from tests.plans import builders as plan_builders

    plan = plan_builders.in_review(author, [marketing], sales, unit_staff)
    risk = builders.new_risk(author, sales, title="Seen by the reviewer", plans=[plan])
    request = rf.get("/")
    request.user = get_user_model().objects.get(pk=reviewer.pk)
    html = Template("{% load risk_tags %}{% plan_risks plan %}").render(
        Context({"plan": plan, "request": request}))
    assert risk.title in html
