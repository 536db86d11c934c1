"""Evaluation pages and API: the same rules in both; a department head sees only the own
department's evaluation and 360 results; the questionnaire by one-time link needs no account."""

from decimal import Decimal as D

import pytest
from django.urls import reverse

from kpis import evaluation_services as ev
from kpis.evaluation import CycleKind, Evaluation
from tests.kpis.test_evaluation import ANSWERS, MONTH

pytestmark = pytest.mark.django_db


@pytest.fixture
def evaluation(template, author):
    cycle, _ = ev.open_cycle(kind=CycleKind.MONTHLY, day=MONTH)
    return cycle.evaluations.get()


@pytest.fixture
def marketing_evaluation(evaluation, marketing):
    """Marketing's evaluation in the same cycle (its head is the ``reviewer`` persona)."""
    return Evaluation.objects.create(cycle=evaluation.cycle, department=marketing,
                                     method_weights=evaluation.method_weights)


def _answer_three(evaluation, author, group="peer", comment="Helpful"):
    for n in range(3):
        link = ev.feedback_request(evaluation=evaluation, actor=author, group=group,
                                   external_email=f"x{n}@example.com")
        ev.feedback_submit(token=link.token, answers=ANSWERS, comment=f"{comment} {n}")


def test_a_head_sees_the_own_evaluation_and_not_another_departments(
        client, api, evaluation, marketing_evaluation, unit_head, reviewer, author):
    _answer_three(marketing_evaluation, author, comment="Secret about marketing")
    client.force_login(unit_head)  # heads sales
    assert client.get(evaluation.get_absolute_url()).status_code == 200
    other = client.get(marketing_evaluation.get_absolute_url())
    assert other.status_code == 404
    assert api.as_(unit_head).get(
        f"/api/v1/kpis/evaluations/{marketing_evaluation.pk}/feedback/").status_code == 404
    listed = api.as_(unit_head).get("/api/v1/kpis/evaluations/").json()["results"]
    assert [e["department"] for e in listed] == ["sales"]
    client.force_login(reviewer)  # heads marketing: sees its comments
    page = client.get(marketing_evaluation.get_absolute_url()).content.decode()
    assert "Secret about marketing" in page


def test_the_api_shows_group_summaries_never_single_answers(api, evaluation, author,
                                                             unit_head):
    link = ev.feedback_request(evaluation=evaluation, actor=author, group="customer",
                               external_email="a@example.com")
    ev.feedback_submit(token=link.token, answers=ANSWERS, comment="Only one")
    summary = api.as_(unit_head).get(
        f"/api/v1/kpis/evaluations/{evaluation.pk}/feedback/").json()
    customers = next(g for g in summary if g["group"] == "customer")
    assert customers == {"group": "customer", "label": "Customers", "responses": 1,
                         "shown": False, "questions": [], "comments": []}
    assert "Only one" not in str(api.as_(author).get(
        f"/api/v1/kpis/evaluations/{evaluation.pk}/").json())


def test_the_questionnaire_by_link_without_an_account(client, api, evaluation, author):
    link = ev.feedback_request(evaluation=evaluation, actor=author, group="customer",
                               external_email="buyer@example.com")
    url = reverse("kpis:feedback", args=[link.token])
    page = client.get(url)
    assert page.status_code == 200 and "Delivers on agreed goals" in page.content.decode()
    bad = client.post(url, {**{k: "9" for k in ANSWERS}})
    assert bad.status_code == 400
    ok = client.post(url, {**{k: str(v) for k, v in ANSWERS.items()}, "comment": "Fine."})
    assert ok.status_code == 200 and "Thank you" in ok.content.decode()
    again = client.post(url, {**{k: str(v) for k, v in ANSWERS.items()}})
    assert again.status_code == 409
    second = ev.feedback_request(evaluation=evaluation, actor=author, group="customer",
                                 external_email="two@example.com")
    answered = api.post(f"/api/v1/kpis/feedback/{second.token}/", {"answers": ANSWERS},
                        format="json")
    assert answered.status_code == 201
    assert api.post(f"/api/v1/kpis/feedback/{second.token}/", {"answers": ANSWERS},
                    format="json").status_code == 409
    assert api.post("/api/v1/kpis/feedback/nope/", {"answers": ANSWERS},
                    format="json").status_code == 404


def test_the_cycle_moves_on_and_calibration_is_for_the_committee(client, api, evaluation,
                                                                 author, committee_member,
                                                                 unit_head, chair):
    cycle = evaluation.cycle
    assert api.as_(unit_head).post(f"/api/v1/kpis/cycles/{cycle.pk}/advance/").status_code \
        == 403
    assert api.as_(author).post(f"/api/v1/kpis/cycles/{cycle.pk}/advance/").json()[
        "state"] == "review"
    client.force_login(author)
    assert client.post(reverse("kpis:cycle", args=[cycle.pk])).status_code == 302
    refused = api.as_(unit_head).post(f"/api/v1/kpis/evaluations/{evaluation.pk}/calibrate/",
                                      {"score": "90", "reason": "x"}, format="json")
    assert refused.status_code == 403
    missing = api.as_(committee_member).post(
        f"/api/v1/kpis/evaluations/{evaluation.pk}/calibrate/", {"score": "90"}, format="json")
    assert missing.status_code == 400 and "reason" in missing.json()["errors"]
    done = api.as_(committee_member).post(
        f"/api/v1/kpis/evaluations/{evaluation.pk}/calibrate/",
        {"score": "90", "reason": "Market shock."}, format="json")
    assert done.status_code == 200 and done.json()["calibrated"] == "90.00"
    assert api.as_(chair).post(f"/api/v1/kpis/cycles/{cycle.pk}/advance/").json()[
        "state"] == "published"
    book = client.get(reverse("kpis:cycle-export", args=[cycle.pk]))
    assert book.status_code == 200 and book.content[:2] == b"PK"


def test_scorecard_pages_and_api_check_weights(client, api, author, unit_head, sales,
                                               revenue, marketing):
    client.force_login(author)
    response = client.post(reverse("kpis:scorecard-template", args=[marketing.code]), {
        "kind": "quantitative", "title": "Leads", "indicator": revenue.code, "weight": "100",
        "rule": "linear", "target": "100", "threshold": "50", "cap": "120", "bands": "[]"})
    assert response.status_code == 302
    page = client.get(reverse("kpis:scorecard-template", args=[marketing.code]))
    assert "Leads" in page.content.decode()
    made = api.as_(author).post("/api/v1/kpis/scorecard-templates/", {
        "department": "sales", "kpi_weight": "50", "mbo_weight": "50", "feedback_weight": "0",
        "scale": 5}, format="json")
    assert made.status_code == 201
    bad = api.as_(author).post(f"/api/v1/kpis/scorecard-templates/{made.json()['id']}/items/",
                               {"kind": "quantitative", "title": "x", "weight": "10",
                                "rule": "linear", "target": "5"}, format="json")
    assert bad.status_code == 400 and "indicator" in bad.json()["errors"]
    assert api.as_(unit_head).post("/api/v1/kpis/scorecard-templates/", {
        "department": "sales"}, format="json").status_code == 403


@pytest.mark.parametrize("count", [2, 12])
def test_evaluation_lists_have_constant_query_counts(api, client, author, count,
                                                     django_assert_max_num_queries):
    from committee.choices import DepartmentKind
    from tests.factories import DepartmentFactory

    for n in range(count):
        department = DepartmentFactory(code=f"bu{n}", kind=DepartmentKind.BUSINESS_UNIT)
        template = ev.template_save(actor=author, department=department)
        ev.item_add(actor=author, template=template, kind="qualitative", title="Q",
                    weight=D(100))
    cycle, _ = ev.open_cycle(kind=CycleKind.MONTHLY, day=MONTH)
    with django_assert_max_num_queries(6):
        assert api.as_(author).get("/api/v1/kpis/evaluations/").status_code == 200
    client.force_login(author)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("kpis:cycle", args=[cycle.pk])).status_code == 200


def test_the_page_asks_a_colleague_for_feedback(client, evaluation, author, reviewer):
    from django.urls import reverse

    from opsplan.models import Notification

    client.force_login(author)
    page = client.get(evaluation.get_absolute_url()).content.decode()
    assert f'<option value="{reviewer.pk}">' in page
    response = client.post(reverse("kpis:evaluation-action",
                                   args=[evaluation.pk, "feedback-request"]),
                           {"group": "peer", "reviewer": reviewer.pk, "days_valid": 14})
    assert response.status_code == 302
    assert evaluation.feedback_requests.get().reviewer == reviewer
    assert Notification.objects.filter(recipient=reviewer,
                                       message__contains="360-degree feedback").exists()


def test_pages_offer_each_step_only_in_its_stage_and_to_whom_may_take_it(
        client, evaluation, author, unit_head, chair):
    self_assess = reverse("kpis:evaluation-action", args=[evaluation.pk, "self-assess"])
    move_on = "Move to the next stage"
    cycle_url = reverse("kpis:cycle", args=[evaluation.cycle.pk])
    client.force_login(unit_head)  # heads sales: assesses the own department
    assert self_assess in client.get(evaluation.get_absolute_url()).content.decode()
    assert move_on not in client.get(cycle_url).content.decode()
    client.force_login(author)  # planning: runs the cycles
    assert move_on in client.get(cycle_url).content.decode()
    ev.advance(cycle=evaluation.cycle, actor=author)  # → review
    client.force_login(unit_head)
    page = client.get(evaluation.get_absolute_url()).content.decode()
    assert self_assess not in page  # the service would refuse it now (409)
    ev.advance(cycle=evaluation.cycle, actor=author)  # → calibration: publishing is the chair's
    client.force_login(author)
    assert move_on not in client.get(cycle_url).content.decode()
    client.force_login(chair)
    assert move_on in client.get(cycle_url).content.decode()
