"""Performance evaluation (§4.5): templates with weights that sum to 100 %, cycles opened once,
scores from the rollups with the formula shown, a quarter built from its months, objectives,
calibration by the committee (audited), and 360-degree feedback that stays anonymous."""

import datetime as dt
from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from kpis import evaluation_services as ev
from kpis.evaluation import CycleKind, CycleState, FeedbackResponse
from kpis.models import Rollup
from opsplan.errors import Conflict
from opsplan.models import AuditEvent

pytestmark = pytest.mark.django_db

MONTH = dt.date(2026, 10, 1)


def _rollup(indicator, department, grain, start, value):
    Rollup.objects.update_or_create(indicator=indicator, department=department, grain=grain,
                                    period_start=start, defaults={"value": D(value), "count": 1})


def _through_review(cycle, author):
    cycle = ev.advance(cycle=cycle, actor=author)
    assert cycle.state == CycleState.REVIEW
    return cycle


def test_weights_must_sum_to_100(author, sales, revenue):
    with pytest.raises(ValidationError) as excinfo:
        ev.template_save(actor=author, department=sales, kpi_weight=D(60), mbo_weight=D(30),
                         feedback_weight=D(20))
    assert "kpi_weight" in excinfo.value.message_dict
    template = ev.template_save(actor=author, department=sales)
    ev.item_add(actor=author, template=template, kind="quantitative", title="Revenue",
                indicator=revenue, weight=D(60), rule="linear", target=D(100),
                threshold=D(80))
    assert ev.template_problems(template) == ["Item weights: weights sum to 60.00 %, not "
                                              "100 %."]
    cycle, _ = ev.open_cycle(kind=CycleKind.MONTHLY, day=MONTH)
    assert not cycle.evaluations.exists()  # an incomplete scorecard is not evaluated


def test_items_are_checked(author, template, revenue):
    with pytest.raises(ValidationError) as excinfo:
        ev.item_add(actor=author, template=template, kind="quantitative", title="x",
                    weight=D(10), rule="linear", target=D(5))
    assert {"indicator", "threshold"} <= set(excinfo.value.message_dict)
    with pytest.raises(ValidationError) as excinfo:
        ev.item_add(actor=author, template=template, kind="quantitative", title="x",
                    indicator=revenue, weight=D(10), rule="banded", target=D(5),
                    bands="not bands")
    assert "bands" in excinfo.value.message_dict


def test_a_unit_head_may_not_edit_scorecards(unit_head, sales):
    with pytest.raises(PermissionDenied):
        ev.template_save(actor=unit_head, department=sales)


def test_a_cycle_opens_once_with_the_scorecard_frozen(template, unit_head, author, revenue):
    first, created = ev.open_cycle(kind=CycleKind.MONTHLY, day=MONTH)
    again, created_again = ev.open_cycle(kind=CycleKind.MONTHLY, day=MONTH + dt.timedelta(9))
    assert created and not created_again and first == again
    evaluation = first.evaluations.get()
    assert [i.title for i in evaluation.items.all()] == ["Revenue", "Teamwork"]
    template.items.filter(title="Revenue").update(weight=D(50))  # later edits do not leak in
    assert evaluation.items.get(title="Revenue").weight == D(70)


def test_due_cycles_follow_the_calendar():
    assert ev.due_cycles(dt.date(2026, 11, 2)) == [(CycleKind.MONTHLY, dt.date(2026, 10, 1))]
    assert ev.due_cycles(dt.date(2026, 10, 1)) == [(CycleKind.MONTHLY, dt.date(2026, 9, 1)),
                                                   (CycleKind.QUARTERLY, dt.date(2026, 9, 1))]
    assert (CycleKind.ANNUAL, dt.date(2026, 12, 1)) in ev.due_cycles(dt.date(2027, 1, 5))


def test_scores_from_the_rollups_with_the_formula(template, revenue, sales, author, unit_head,
                                                  chair, committee_member):
    _rollup(revenue, sales, "month", MONTH, 90)
    cycle, _ = ev.open_cycle(kind=CycleKind.MONTHLY, day=MONTH)
    evaluation = cycle.evaluations.get()
    objective = ev.objective_add(evaluation=evaluation, actor=unit_head, title="Open 2 shops",
                                 target="2 shops", weight=D(100))
    ev.self_assess(evaluation=evaluation, actor=unit_head, self_assessment="A good month.")
    ev.objective_score(objective=objective, actor=unit_head, achievement=D(150))
    _through_review(cycle, author)
    teamwork = evaluation.items.get(title="Teamwork")
    ev.rate_item(item=teamwork, actor=author, rating=4)
    cycle = ev.advance(cycle=cycle, actor=author)  # calibration: scores computed
    evaluation.refresh_from_db()
    revenue_item = evaluation.items.get(title="Revenue")
    assert (revenue_item.actual, revenue_item.score) == (D("90.0000"), D("50.00"))
    assert evaluation.kpi_score == D("59.00")  # (50 × 70 + 80 × 30) / 100
    assert evaluation.mbo_score == D("120.00")  # 150 % achievement capped at 120
    assert evaluation.feedback_score is None  # no group with three answers
    # 360 has no score: KPI and MBO are rescaled over their 90 %
    assert evaluation.overall == D("79.33")
    assert evaluation.formula == "(60.00% × KPI 59.00 + 30.00% × MBO 120.00) ÷ 90.00% = 79.33"
    calibrated = ev.calibrate(evaluation=evaluation, actor=committee_member, score=D(82),
                              reason="The market fell 10 % this month.")
    assert calibrated.final == D("82.00")
    event = AuditEvent.objects.get(action="kpis.evaluation.calibrate")
    assert event.data["from"] == "79.33" and event.data["to"] == "82.00"
    assert "market fell" in event.data["reason"]
    with pytest.raises(PermissionDenied):
        ev.calibrate(evaluation=evaluation, actor=unit_head, score=D(99), reason="Mine!")
    with pytest.raises(ValidationError):
        ev.calibrate(evaluation=evaluation, actor=committee_member, score=D(80), reason=" ")
    ev.advance(cycle=cycle, actor=chair)
    with pytest.raises(Conflict):
        ev.advance(cycle=cycle, actor=chair)


def test_an_override_needs_a_reason_and_is_kept_on_recompute(template, revenue, sales, author):
    _rollup(revenue, sales, "month", MONTH, 90)
    cycle, _ = ev.open_cycle(kind=CycleKind.MONTHLY, day=MONTH)
    _through_review(cycle, author)
    evaluation = ev.compute(evaluation=cycle.evaluations.get())
    item = evaluation.items.get(title="Revenue")
    with pytest.raises(ValidationError):
        ev.override_item(item=item, actor=author, score=D(70), reason="")
    ev.override_item(item=item, actor=author, score=D(70), reason="Data was late.")
    evaluation = ev.compute(evaluation=evaluation)
    item.refresh_from_db()
    assert (item.auto_score, item.score) == (D("50.00"), D("70.00"))
    assert AuditEvent.objects.filter(action="kpis.evaluation.override").count() == 1


def test_a_quarter_starts_from_its_three_months(template, revenue, sales, author):
    scores = {}
    for offset, value in enumerate((90, 100, 80)):
        month = dt.date(2026, 7 + offset, 1)
        _rollup(revenue, sales, "month", month, value)
        cycle, _ = ev.open_cycle(kind=CycleKind.MONTHLY, day=month)
        _through_review(cycle, author)
        evaluation = ev.compute(evaluation=cycle.evaluations.get())
        scores[month] = evaluation.items.get(title="Revenue").score
    assert list(scores.values()) == [D("50.00"), D("100.00"), D("0.00")]
    _rollup(revenue, sales, "quarter", dt.date(2026, 7, 1), 270)  # would score 0 (> 80 × 3?)
    quarter, _ = ev.open_cycle(kind=CycleKind.QUARTERLY, day=dt.date(2026, 9, 30))
    evaluation = ev.compute(evaluation=quarter.evaluations.get())
    item = evaluation.items.get(title="Revenue")
    assert item.score == D("50.00")  # the mean of 50, 100 and 0
    assert "mean of the 3" in item.source


def _request(evaluation, author, group, reviewer=None, email=""):
    return ev.feedback_request(evaluation=evaluation, actor=author, group=group,
                               reviewer=reviewer, external_email=email)


ANSWERS = {"goals": 4, "quality": 5, "teamwork": 3, "communication": 4, "initiative": 4}


def test_360_results_show_only_from_three_answers_in_a_group(template, author, sales):
    cycle, _ = ev.open_cycle(kind=CycleKind.MONTHLY, day=MONTH)
    evaluation = cycle.evaluations.get()
    links = [_request(evaluation, author, "customer", email=f"c{n}@example.com")
             for n in range(3)]
    for link in links[:2]:
        ev.feedback_submit(token=link.token, answers=ANSWERS, comment="Responsive team.")
    peers = {row["group"]: row for row in ev.feedback_summary(evaluation)}["customer"]
    assert peers["responses"] == 2 and not peers["shown"]
    assert peers["questions"] == [] and peers["comments"] == []
    ev.feedback_submit(token=links[2].token, answers={**ANSWERS, "goals": 1}, comment="Slow.")
    customers = {row["group"]: row for row in ev.feedback_summary(evaluation)}["customer"]
    assert customers["shown"] and customers["responses"] == 3
    goals = next(q for q in customers["questions"] if q["key"] == "goals")
    assert goals["mean"] == D("3.00")
    assert customers["comments"] == ["Responsive team.", "Responsive team.", "Slow."]
    # the stored answers carry no link back to whoever gave them
    assert {f.name for f in FeedbackResponse._meta.fields} == {
        "id", "evaluation", "group", "answers", "comment", "submitted_on"}


def test_a_one_time_link_works_once_and_expires(template, author):
    cycle, _ = ev.open_cycle(kind=CycleKind.MONTHLY, day=MONTH)
    evaluation = cycle.evaluations.get()
    link = _request(evaluation, author, "customer", email="buyer@example.com")
    ev.feedback_submit(token=link.token, answers=ANSWERS)
    with pytest.raises(Conflict):
        ev.feedback_submit(token=link.token, answers=ANSWERS)
    late = _request(evaluation, author, "customer", email="late@example.com")
    late.expires_at = timezone.now() - dt.timedelta(minutes=1)
    late.save(update_fields=["expires_at"])
    with pytest.raises(Conflict):
        ev.feedback_submit(token=late.token, answers=ANSWERS)
    assert FeedbackResponse.objects.count() == 1


def test_an_internal_request_is_answered_only_by_its_reviewer(template, author, reviewer,
                                                              unit_staff):
    cycle, _ = ev.open_cycle(kind=CycleKind.MONTHLY, day=MONTH)
    asked = _request(cycle.evaluations.get(), author, "peer", reviewer=reviewer)
    with pytest.raises(PermissionDenied):
        ev.feedback_submit(token=asked.token, answers=ANSWERS, actor=unit_staff)
    with pytest.raises(ValidationError):
        ev.feedback_submit(token=asked.token, answers={**ANSWERS, "goals": 9}, actor=reviewer)
    ev.feedback_submit(token=asked.token, answers=ANSWERS, actor=reviewer)


def test_feedback_reminders_go_once_to_reviewers_who_have_not_answered(template, author,
                                                                       reviewer):
    from opsplan.models import Notification

    cycle, _ = ev.open_cycle(kind=CycleKind.MONTHLY, day=MONTH)
    _request(cycle.evaluations.get(), author, "peer", reviewer=reviewer)
    later = timezone.now() + dt.timedelta(days=4)
    assert ev.remind_feedback(now=later) == 1
    assert ev.remind_feedback(now=later) == 0
    assert Notification.objects.filter(recipient=reviewer,
                                       message__startswith="Reminder").count() == 1


def test_scale_anchors_are_one_per_rating(author, sales, client):
    from django.urls import reverse

    with pytest.raises(ValidationError) as excinfo:
        ev.template_save(actor=author, department=sales, scale=3, anchors=["Poor", "Fine"])
    assert "anchors" in excinfo.value.message_dict
    template = ev.template_save(actor=author, department=sales, scale=3,
                                anchors=["Poor", "Meets expectations", "Outstanding"])
    assert template.anchors[2] == "Outstanding"
    client.force_login(author)
    page = client.get(reverse("kpis:scorecard-template", args=[sales.code]))
    assert "Meets expectations" in page.content.decode()
