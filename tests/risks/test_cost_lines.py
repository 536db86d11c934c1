"""A risk response action becomes a line of a linked plan's cost budget (risks → plans.hooks →
costs), once, under the budget's own rule, audited; page and API alike."""

import ast
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from costs.models import BudgetLine
from opsplan.errors import Conflict
from opsplan.models import AuditEvent
from risks import services
from risks.models import RiskAction
from tests.plans import builders as plans
from tests.risks import builders


@pytest.fixture
def drafting_plan(author):
    return plans.drafting(author, title="Channel plan")


@pytest.fixture
def linked_risk(author, planning_department, matrix, drafting_plan):
    return builders.new_risk(author, planning_department, title="Supplier fails",
                             plans=[drafting_plan])


@pytest.fixture
def costed_action(linked_risk, author, unit_staff):
    return services.action_save(risk=linked_risk, action=RiskAction(), actor=author,
                                title="Qualify a second supplier", owner=unit_staff,
                                cost=Decimal("2400.00"))


def test_an_action_becomes_a_budget_line_of_the_linked_plan(costed_action, drafting_plan,
                                                           author, sales):
    line = services.action_to_cost_line(action=costed_action, plan=drafting_plan,
                                        actor=author, category="material", department=sales)
    assert (line.plan_id, line.category, line.department_id, line.amount) == (
        drafting_plan.pk, "material", sales.pk, Decimal("2400.00"))
    assert line.description == "Qualify a second supplier"
    assert "Supplier fails" in line.basis_note
    # spread evenly over the plan's twelve months, summing exactly to the line
    assert sum(p.amount for p in line.periods.all()) == line.amount
    assert line.periods.count() == 12
    costed_action.refresh_from_db()
    assert costed_action.cost_line == line
    # audited on both sides: the budget line on the plan, the conversion on the risk
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"costs.budget_line.save", "risks.action.to_cost_line"} <= actions


def test_converting_twice_is_refused_with_a_clear_message(costed_action, drafting_plan,
                                                          author, sales):
    services.action_to_cost_line(action=costed_action, plan=drafting_plan, actor=author,
                                 category="material", department=sales)
    with pytest.raises(Conflict) as error:
        services.action_to_cost_line(action=costed_action, plan=drafting_plan, actor=author,
                                     category="other", department=sales)
    assert "already a line of the cost budget of “Channel plan”" in str(error.value.message)
    assert BudgetLine.objects.filter(plan=drafting_plan, category__in=["material", "other"],
                                     description__startswith="Qualify").count() == 1


def test_a_deleted_line_frees_the_action_again(costed_action, drafting_plan, author, sales):
    from costs import services as cost_services

    line = services.action_to_cost_line(action=costed_action, plan=drafting_plan,
                                        actor=author, category="material", department=sales)
    cost_services.budget_line_delete(line=line, actor=author)
    again = services.action_to_cost_line(action=RiskAction.objects.get(pk=costed_action.pk),
                                         plan=drafting_plan, actor=author, category="other",
                                         department=sales)
    assert again.pk != line.pk


def test_the_action_needs_a_cost_and_the_plan_must_be_linked(linked_risk, costed_action,
                                                             author, sales):
    free = services.action_save(risk=linked_risk, action=RiskAction(), actor=author,
                                title="Watch the market")
    plan = linked_risk.plans.get()
    with pytest.raises(ValidationError) as error:
        services.action_to_cost_line(action=free, plan=plan, actor=author, category="other")
    assert "cost" in error.value.message_dict
    other = plans.drafting(author, title="Unrelated plan")
    with pytest.raises(ValidationError) as error:
        services.action_to_cost_line(action=costed_action, plan=other, actor=author,
                                     category="other")
    assert "plan" in error.value.message_dict


def test_the_budget_rule_decides(costed_action, drafting_plan, author, auditor, marketing,
                                 reviewer, sales, unit_staff):
    # the auditor reads everything, the risk included, but does not steer the plan
    assert auditor.has_perm("risks.view_riskaction", costed_action)
    assert not auditor.has_perm("costs.edit_budget", drafting_plan)
    with pytest.raises(PermissionDenied):
        services.action_to_cost_line(action=costed_action, plan=drafting_plan,
                                     actor=auditor, category="other")
    # in internal review the budget is frozen with the revision: 409
    plans.complete_draft(drafting_plan, author, sales, unit_staff)
    from plans import services as plan_services

    plan_services.plan_submit_for_review(plan=drafting_plan, actor=author,
                                         reviewing_departments=[marketing])
    with pytest.raises(Conflict):
        services.action_to_cost_line(action=costed_action, plan=drafting_plan, actor=author,
                                     category="other")
    assert RiskAction.objects.get(pk=costed_action.pk).cost_line_id is None


def test_the_risk_page_offers_the_button_and_links_the_line(client, costed_action,
                                                            linked_risk, drafting_plan,
                                                            author, sales):
    client.force_login(author)
    page = client.get(linked_risk.get_absolute_url()).content.decode()
    url = reverse("risks:action-cost-line", args=[linked_risk.pk, costed_action.pk])
    assert url in page
    form = client.get(url)
    assert form.status_code == 200
    assert "Channel plan" in form.content.decode()
    response = client.post(url, {"plan": drafting_plan.pk, "category": "marketing",
                                 "department": sales.pk, "basis": "market_price"})
    assert response.status_code == 302
    line = BudgetLine.objects.get(plan=drafting_plan, category="marketing")
    assert line.basis == "market_price"
    page = client.get(linked_risk.get_absolute_url()).content.decode()
    assert url not in page
    assert line.get_absolute_url() in page
    # a second try is refused with the reason, nothing is added
    again = client.post(url, {"plan": drafting_plan.pk, "category": "other",
                              "department": sales.pk, "basis": "goal"}, follow=True)
    assert "already a line of the cost budget" in again.content.decode()
    assert BudgetLine.objects.filter(plan=drafting_plan, category="other",
                                     description__startswith="Qualify").count() == 0


def test_the_page_names_the_field_of_bad_input(client, costed_action, linked_risk, author):
    client.force_login(author)
    url = reverse("risks:action-cost-line", args=[linked_risk.pk, costed_action.pk])
    response = client.post(url, {"plan": "x", "category": "caviar", "basis": ""})
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert {"plan", "category", "basis"} <= set(errors)


def test_the_api_action(api, costed_action, drafting_plan, author, sales, outsider):
    url = f"/api/v1/risks/actions/{costed_action.pk}/to-cost-line/"
    bad = api.as_(author).post(url, {"plan": drafting_plan.pk, "category": "caviar"},
                               format="json")
    assert bad.status_code == 400 and "category" in bad.json()["errors"]
    response = api.post(url, {"plan": drafting_plan.pk, "category": "personnel",
                              "department": sales.pk}, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    line = BudgetLine.objects.get(pk=body["cost_line"])
    assert (line.category, line.amount, line.basis) == ("personnel", Decimal("2400.00"), "goal")
    detail = api.get(f"/api/v1/risks/actions/{costed_action.pk}/").json()
    assert detail["cost_line"] == line.pk
    again = api.post(url, {"plan": drafting_plan.pk, "category": "personnel"}, format="json")
    assert again.status_code == 409
    # someone who cannot see the risk does not learn the action exists
    assert api.as_(outsider).post(url, {"plan": drafting_plan.pk, "category": "other"},
                                  format="json").status_code == 404


def test_an_unknown_plan_in_the_body_is_a_400_naming_it(api, costed_action, author):
    body = api.as_(author).post(f"/api/v1/risks/actions/{costed_action.pk}/to-cost-line/",
                                {"plan": 999999, "category": "other"}, format="json")
    assert body.status_code == 400 and "plan" in body.json()["errors"]


def _imports(folder: Path) -> set[str]:
    found = set()
    for path in folder.rglob("*.py"):
        if "migrations" in path.parts or "panels" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found |= {a.name.split(".")[0] for a in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module:
                found.add(node.module.split(".")[0])
    return found


def test_risks_and_costs_never_import_each_other():
    base = Path(settings.BASE_DIR)
    assert "costs" not in _imports(base / "risks")
    assert "risks" not in _imports(base / "costs")
