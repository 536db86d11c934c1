"""Saving measures and suggestions: suggestion → evaluation → measure → confirmed savings →
reward by the configurable rule, with segregation of duties at each step."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from costs import services
from costs.models import Reward, SavingMeasure, Suggestion
from opsplan.errors import Conflict
from opsplan.models import Notification

pytestmark = pytest.mark.django_db


def _suggest(actor, title="Reuse packaging"):
    return services.suggestion_submit(actor=actor, title=title,
                                      description="Returnable crates instead of cartons.")


def test_suggestion_becomes_a_measure_and_earns_a_reward(unit_staff, author, planning_manager,
                                                         sales, unit_head):
    suggestion = _suggest(unit_staff)
    assert Notification.objects.filter(recipient=planning_manager).exists()
    suggestion = services.suggestion_evaluate(suggestion=suggestion, actor=author, accept=True,
                                              feasibility=4,
                                              expected_saving=Decimal("40000.00"),
                                              evaluation="Cheap to try.")
    assert suggestion.state == "accepted"
    measure = services.suggestion_to_measure(suggestion=suggestion, actor=author,
                                             kind="purchasing", department=sales,
                                             owner=unit_head)
    assert measure.expected_saving == Decimal("40000.00")
    assert Suggestion.objects.get().state == "measure"
    services.measure_confirm(measure=measure, actor=planning_manager,
                             realised_saving=Decimal("30000.00"))
    reward = Reward.objects.get()
    assert (reward.kind, reward.amount) == ("amount", Decimal("1500.00"))  # 5 % of 30,000
    assert Suggestion.objects.get().state == "rewarded"
    assert Notification.objects.filter(recipient=unit_staff,
                                       message__contains="reward").exists()
    with pytest.raises(Conflict):
        services.measure_confirm(measure=measure, actor=planning_manager,
                                 realised_saving=Decimal(1))
    assert Reward.objects.count() == 1


@pytest.mark.parametrize(("saving", "kind", "amount"), [
    ("999.99", "recognition", None), ("1000.00", "amount", "50.00"),
    ("500000.00", "amount", "10000.00"),  # capped
])
def test_reward_rule(saving, kind, amount):
    got_kind, got_amount, _rule = services.reward_rule(Decimal(saving))
    assert (got_kind, got_amount) == (kind, Decimal(amount) if amount else None)


def test_reward_rule_is_configurable(settings):
    settings.OPSPLAN_COSTS_REWARD_RATE = "0.10"
    settings.OPSPLAN_COSTS_REWARD_CAP = "100"
    settings.OPSPLAN_COSTS_REWARD_MIN_SAVING = "500"
    assert services.reward_rule(Decimal(500))[:2] == ("amount", Decimal("50.00"))
    assert services.reward_rule(Decimal(5000))[:2] == ("amount", Decimal("100"))


def test_nobody_evaluates_their_own_suggestion(author):
    suggestion = _suggest(author)
    with pytest.raises(PermissionDenied):
        services.suggestion_evaluate(suggestion=suggestion, actor=author, accept=True,
                                     feasibility=3)


def test_only_the_planning_department_evaluates(unit_staff, unit_head):
    suggestion = _suggest(unit_staff)
    with pytest.raises(PermissionDenied):
        services.suggestion_evaluate(suggestion=suggestion, actor=unit_head, accept=True,
                                     feasibility=3)


def test_an_outsider_cannot_suggest_and_an_auditor_only_reads(outsider, auditor):
    with pytest.raises(PermissionDenied):
        _suggest(outsider)
    with pytest.raises(PermissionDenied):
        _suggest(auditor)


def test_a_rejected_suggestion_does_not_become_a_measure(unit_staff, author, sales, unit_head):
    suggestion = services.suggestion_evaluate(suggestion=_suggest(unit_staff), actor=author,
                                              accept=False, feasibility=1)
    with pytest.raises(Conflict):
        services.suggestion_to_measure(suggestion=suggestion, actor=author, kind="process",
                                       department=sales, owner=unit_head)


def test_the_submitter_edits_only_until_evaluated(unit_staff, author):
    suggestion = _suggest(unit_staff)
    services.suggestion_update(suggestion=suggestion, actor=unit_staff, title="Better")
    services.suggestion_evaluate(suggestion=suggestion, actor=author, accept=True,
                                 feasibility=3)
    with pytest.raises(Conflict):
        services.suggestion_update(suggestion=suggestion, actor=unit_staff, title="Again")


def test_the_owner_never_confirms_their_own_savings(planning_manager, planning_department):
    measure = services.measure_save(actor=planning_manager, title="Night tariff",
                                    kind="utilisation", department=planning_department,
                                    owner=planning_manager, expected_saving=Decimal(100))
    with pytest.raises(PermissionDenied):
        services.measure_confirm(measure=measure, actor=planning_manager,
                                 realised_saving=Decimal(90))


def test_measures_are_added_by_planning_or_unit_heads(unit_staff, unit_head, sales):
    with pytest.raises(PermissionDenied):
        services.measure_save(actor=unit_staff, title="x", kind="process", department=sales,
                              owner=unit_staff, expected_saving=Decimal(1))
    measure = services.measure_save(actor=unit_head, title="Fewer couriers",
                                    kind="spend_control", department=sales, owner=unit_staff,
                                    expected_saving=Decimal(1))
    services.measure_save(actor=unit_staff, measure=measure, status="in_progress")  # owner
    with pytest.raises(ValidationError):
        services.measure_save(actor=unit_head, measure=measure, status="realised")
    assert SavingMeasure.objects.get().status == "in_progress"
