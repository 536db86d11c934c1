"""Every change to costs (§4.4). One service per domain action: atomic, row-locked where
state changes, permission-checked with the same rule as every interface, audited, with
notifications that go out after commit. Pages, the API and the demo call these."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from committee.models import Department
from costs.choices import (
    Category,
    EntryKind,
    MeasureStatus,
    OverrunAction,
    OverrunState,
    RewardKind,
    SplitMode,
    Status,
    SuggestionState,
)
from costs.models import (
    BudgetLine,
    BudgetPeriod,
    CategoryPolicy,
    CostEntry,
    CostTarget,
    Overrun,
    Reward,
    SavingMeasure,
    Suggestion,
    VarianceExplanation,
)
from costs.money import CENT, MAX_AMOUNT, period_starts, split_even, to_money
from opsplan.audit import record, save_audited
from opsplan.errors import Conflict
from opsplan.models import Event
from opsplan.notifications import notify

RUNNING = ("execution", "monitoring", "adjustment")
LINE_FIELDS = ("category", "department", "action", "description", "basis", "basis_note",
               "amount", "split_kind", "split_mode")
TARGET_FIELDS = ("department", "position", "owner", "category", "amount")
MEASURE_FIELDS = ("title", "kind", "description", "plan", "department", "owner",
                  "expected_saving", "status")


def _require(actor, perm, obj=None, message=None):
    if not actor.has_perm(perm, obj):
        raise PermissionDenied(message or _("You may not do this."))


def _lock_plan(plan):
    from plans.models import Plan

    return Plan.objects.select_for_update(of=("self",)).get(pk=plan.pk)


def _plan_people(plan):
    from plans.services import _plan_people as people

    return people(plan)


# --- category rules ------------------------------------------------------------------------

@dataclass(frozen=True)
class Policy:
    category: str
    warn_percent: Decimal
    overrun_percent: Decimal
    overrun_action: str


def policies() -> dict[str, Policy]:
    """Every category's thresholds and over-run rule (defaults where none is set)."""
    stored = {p.category: p for p in CategoryPolicy.objects.all()}
    result = {}
    for category in Category.values:
        p = stored.get(category)
        result[category] = Policy(category, p.warn_percent if p else Decimal(90),
                                  p.overrun_percent if p else Decimal(100),
                                  p.overrun_action if p else OverrunAction.DECISION)
    return result


def status_for(budget: Decimal, used: Decimal, policy: Policy) -> str:
    """Where a category stands. ``used`` is actual plus committed spend. Warning from the
    warning threshold on (inclusive); over-run strictly above the over-run threshold (spending
    exactly the budget is not an over-run). Spending without a budget is an over-run."""
    if budget <= 0:
        return Status.OVERRUN if used > 0 else Status.OK
    share = used * 100 / budget
    if share > policy.overrun_percent:
        return Status.OVERRUN
    if share >= policy.warn_percent:
        return Status.WARNING
    return Status.OK


@transaction.atomic
def policy_save(*, category, actor, request=None, **data) -> CategoryPolicy:
    """Set a category's thresholds and over-run rule (planning manager)."""
    _require(actor, "costs.set_policy", message=_("Only the planning manager sets cost rules."))
    if category not in Category.values:
        raise ValidationError({"category": _("No such category.")})
    policy = CategoryPolicy.objects.select_for_update().filter(category=category).first() \
        or CategoryPolicy(category=category)
    changes = {}
    for name in ("warn_percent", "overrun_percent", "overrun_action"):
        if name in data and data[name] is not None and getattr(policy, name) != data[name]:
            setattr(policy, name, data[name])
            changes[name] = str(data[name])
    return save_audited(policy, actor=actor, action="costs.policy.save", data=changes,
                        request=request)


# --- the budget ----------------------------------------------------------------------------

def _editable_plan(plan, actor):
    locked = _lock_plan(plan)
    _require(actor, "costs.edit_budget", locked, _("You may not edit this plan's budget."))
    if not locked.is_editable:
        raise Conflict(_("This plan is %(state)s: its budget is frozen with the approved "
                         "revision. Budgets change in drafting or through an adjustment.")
                       % {"state": locked.get_state_display()})
    return locked


def _split(line, plan, manual: dict | None) -> list[tuple[dt.date, Decimal]]:
    starts = period_starts(line.split_kind, plan.period_start, plan.period_end)
    if line.split_mode == SplitMode.EVEN:
        return list(zip(starts, split_even(line.amount, len(starts)), strict=True))
    manual = manual or {}
    unknown = [str(k) for k in manual if k not in starts]
    if unknown:
        raise ValidationError({"periods": _("Not a period of this plan: %s.")
                               % ", ".join(unknown)})
    parts = [(start, to_money(manual.get(start) or 0)) for start in starts]
    if any(amount < 0 for _start, amount in parts):
        raise ValidationError({"periods": _("Period amounts cannot be negative.")})
    total = sum((a for _s, a in parts), Decimal(0))
    if total != line.amount:
        raise ValidationError({"periods": _(
            "The periods add up to %(total)s but the line is %(amount)s: they must sum "
            "exactly to the line.") % {"total": total, "amount": line.amount}})
    return parts


@transaction.atomic
def budget_line_save(*, plan, actor, line=None, periods=None, request=None,
                     **data) -> BudgetLine:
    """Add or change a budget line while the plan's content is editable. An even spread is
    split over the plan's months or quarters by the cent rule of costs.money.split_even;
    by hand, ``periods`` ({period start: amount}) must sum exactly to the line."""
    locked = _editable_plan(plan, actor)
    if line is None:
        line = BudgetLine(plan=locked)
    elif line.plan_id != locked.pk:
        raise ValidationError({"plan": _("This line belongs to another plan.")})
    else:
        line = BudgetLine.objects.select_for_update(of=("self",)).get(pk=line.pk)
    changes = {}
    for name in LINE_FIELDS:
        if name in data:
            setattr(line, name, data[name])
            changes[name] = str(data[name]) if data[name] is not None else None
    if line.action_id and line.action.plan_id != locked.pk:
        raise ValidationError({"action": _("Choose an action item of this plan.")})
    if line.department_id and not line.department.is_active:
        raise ValidationError({"department": _("This department is no longer active.")})
    parts = _split(line, locked, periods) if line.amount is not None and line.split_kind \
        else []
    save_audited(line, actor=actor, subject=locked, request=request,
                 action="costs.budget_line.save", data={"line": line.pk, **changes})
    line.periods.all().delete()
    BudgetPeriod.objects.bulk_create([BudgetPeriod(line=line, period_start=s, amount=a)
                                      for s, a in parts])
    return line


def budget_line_from(*, plan, actor, category, department, description, amount,
                     basis, basis_note="", request=None) -> BudgetLine:
    """Draft a budget line on behalf of another record (plans.hooks: a risk response action
    becomes a cost line). The budget's own rule applies: whoever may edit the plan's budget,
    while its content is editable (409 after); spread evenly over the plan's months."""
    return budget_line_save(plan=plan, actor=actor, request=request, category=category,
                            department=department, description=description, basis=basis,
                            basis_note=basis_note, amount=amount, split_kind="monthly",
                            split_mode="even")


@transaction.atomic
def budget_line_delete(*, line, actor, request=None) -> None:
    locked = _editable_plan(line.plan, actor)
    record(actor=actor, action="costs.budget_line.delete", subject=locked, request=request,
           data={"line": line.pk, "description": line.description, "amount": str(line.amount)})
    line.delete()


def budget_snapshot(plan) -> list[dict]:
    """The plan's budget as rows for the plan revision (plans.revisions section "budget"):
    stable keys and string values, so revisions diff it line by line."""
    lines = BudgetLine.objects.filter(plan=plan).prefetch_related("periods").order_by("pk")
    return [{
        "id": str(line.pk), "category": line.category, "department_id": str(line.department_id),
        "action_id": str(line.action_id) if line.action_id else None,
        "description": line.description, "basis": line.basis, "basis_note": line.basis_note,
        "amount": str(line.amount), "split_kind": line.split_kind, "split_mode": line.split_mode,
        "periods": "; ".join(f"{p.period_start:%Y-%m} {p.amount}" for p in line.periods.all()),
    } for line in lines]


def budget_review_problems(plan) -> dict[str, list[str]]:
    """The internal-review guard's cost check (plans.guards.extra_review_checks): a plan goes
    to internal review with a cost budget (setting OPSPLAN_COSTS_BUDGET_REQUIRED, on unless
    an installation switches cost control off)."""
    if not getattr(settings, "OPSPLAN_COSTS_BUDGET_REQUIRED", True):
        return {}
    if not BudgetLine.objects.filter(plan=plan).exists():
        return {"budget": [_("The cost budget is missing: draft at least one budget line on "
                             "the plan's Costs page.")]}
    return {}


# --- cost responsibility -------------------------------------------------------------------

@transaction.atomic
def target_save(*, plan, actor, target=None, request=None, **data) -> CostTarget:
    """Assign (or change) a cost target to a department and position with a named owner, who
    must hold that position there."""
    from committee.models import Membership

    locked = _lock_plan(plan)
    _require(actor, "costs.set_targets", locked, _("You may not set this plan's targets."))
    if locked.state in ("completed", "cancelled"):
        raise Conflict(_("This plan is closed."))
    created = target is None
    if created:
        target = CostTarget(plan=locked)
    else:
        target = CostTarget.objects.select_for_update(of=("self",)).get(pk=target.pk)
        if target.plan_id != locked.pk:
            raise ValidationError({"plan": _("This target belongs to another plan.")})
    changes = {}
    for name in TARGET_FIELDS:
        if name in data:
            value = data[name] if data[name] is not None else ""
            old = getattr(target, f"{name}_id" if name in ("department", "owner") else name,
                          None)
            new = getattr(value, "pk", value)
            if created or old != new:
                changes[name] = str(value) if created else [str(old), str(new)]
            setattr(target, name, value)
    if not created and not changes:
        return target
    if target.owner_id and target.department_id and not Membership.objects.current().filter(
            user_id=target.owner_id, department_id=target.department_id,
            position=target.position).exists():
        raise ValidationError({"owner": _("The owner must hold this position in this "
                                          "department.")})
    save_audited(target, actor=actor, subject=locked, request=request,
                 action="costs.target.save" if created else "costs.target.change",
                 data={"target": target.pk, **changes} if not created else changes)
    if not created and "owner" not in changes:
        return target
    notify([target.owner], lambda: _("You own a cost target on “%(plan)s”.")
           % {"plan": locked.title}, url=_plan_costs_url(locked), exclude=actor,
           event=Event.ASSIGNED)
    return target


@transaction.atomic
def target_delete(*, target, actor, request=None) -> None:
    locked = _lock_plan(target.plan)
    _require(actor, "costs.set_targets", locked)
    record(actor=actor, action="costs.target.delete", subject=locked, request=request,
           data={"target": target.pk})
    target.delete()


def _plan_costs_url(plan) -> str:
    from django.urls import reverse

    return reverse("costs:plan", args=[plan.pk])


# --- actual spend and commitments ----------------------------------------------------------

@dataclass
class RowErrors(Exception):
    """A batch with bad rows: nothing was stored."""

    row_errors: list[dict] = field(default_factory=list)

    @property
    def messages(self):
        return [f"{e['row']}: {e['column']}: {e['reason']}" for e in self.row_errors]


ENTRY_COLUMNS = ("plan", "kind", "category", "department", "date", "amount", "reference",
                 "note")
ENTRY_REQUIRED = ("plan", "category", "department", "date", "amount")
MAX_ROWS = 5000


def _parse_amount(raw) -> Decimal:
    if isinstance(raw, bool):
        raise InvalidOperation
    text = str(raw).strip().replace(",", "")
    value = Decimal(text)
    if not value.is_finite() or abs(value) > MAX_AMOUNT or value != value.quantize(CENT):
        raise InvalidOperation
    return value.quantize(CENT)


def _plan_id(raw) -> int | None:
    text = str(raw if raw is not None else "").strip()
    if isinstance(raw, bool) or not text.isdigit() or len(text) > 12 or not text.isascii():
        return None
    return int(text)


def check_entry_rows(user, rows, *, first_row: int = 1):
    """Validate every row of a batch (API or upload); returns (clean rows, errors). Each error
    names the row, the column and the reason; nothing is stored here."""
    from plans.selectors import visible_plans

    errors, clean, seen = [], [], {}
    if not isinstance(rows, list) or len(rows) > MAX_ROWS:
        return [], [{"row": 0, "column": "", "reason": _("At most %d rows per batch.")
                     % MAX_ROWS}]
    plan_ids = {_plan_id(raw.get("plan")) for raw in rows if isinstance(raw, dict)} - {None}
    plans = {p.pk: p for p in visible_plans(user).filter(pk__in=plan_ids)}
    departments = {d.code: d for d in Department.objects.filter(is_active=True)}
    allowed: dict = {}
    for number, raw in enumerate(rows, start=first_row):
        row_errors = []

        def err(column, reason, number=number, row_errors=row_errors):
            row_errors.append({"row": number, "column": column, "reason": str(reason)})

        if not isinstance(raw, dict):
            err("", _("Each row must be an object."))
            errors.extend(row_errors)
            continue
        unknown = sorted(str(k) for k in raw if k not in ENTRY_COLUMNS)
        if unknown:
            err(unknown[0], _("Unknown column."))
        for column in ENTRY_REQUIRED:
            if raw.get(column) in (None, ""):
                err(column, _("Required."))
        values = {k: raw.get(k) for k in ENTRY_COLUMNS}
        if any(isinstance(v, str) and "\x00" in v for v in values.values()):
            err("", _("The row contains NUL characters."))
        plan = None
        if values["plan"] not in (None, ""):
            plan = plans.get(_plan_id(values["plan"]))
            if plan is None:
                err("plan", _("No such plan."))
        kind = str(values["kind"] or EntryKind.ACTUAL).strip()
        if kind not in EntryKind.values:
            err("kind", _("Use actual or commitment."))
        category = str(values["category"] or "").strip()
        if category and category not in Category.values:
            err("category", _("No such category."))
        department = departments.get(str(values["department"] or "").strip())
        if values["department"] not in (None, "") and department is None:
            err("department", _("No such department."))
        day = None
        if values["date"] not in (None, ""):
            raw_date = values["date"]
            try:
                day = raw_date if isinstance(raw_date, dt.date) else \
                    dt.date.fromisoformat(str(raw_date).strip()[:10])
                if isinstance(day, dt.datetime):
                    day = day.date()
            except ValueError:
                err("date", _("Not a date: use 2027-03-15."))
        amount = None
        if values["amount"] not in (None, ""):
            try:
                amount = _parse_amount(values["amount"])
                if amount == 0:
                    err("amount", _("Enter an amount other than zero."))
            except (InvalidOperation, ValueError, TypeError):
                err("amount", _("Not an amount (at most 13 digits and 2 decimals)."))
        reference = str(values["reference"] or "").strip()
        note = str(values["note"] or "").strip()
        if len(reference) > 64:
            err("reference", _("At most %d characters.") % 64)
        if len(note) > 500:
            err("note", _("At most %d characters.") % 500)
        if plan is not None and day is not None and not (
                plan.period_start <= day <= plan.period_end):
            err("date", _("Outside the plan period (%(start)s – %(end)s).")
                % {"start": plan.period_start, "end": plan.period_end})
        if plan is not None and plan.state not in RUNNING:
            err("plan", _("Costs are recorded on approved, running plans."))
        if plan is not None and department is not None:
            pair = (plan.pk, department.pk)
            if pair not in allowed:
                probe = CostEntry(plan=plan, department=department)
                allowed[pair] = user.has_perm("costs.record_actual", probe)
            if not allowed[pair]:
                err("department", _("You may not record costs for this department on this "
                                    "plan."))
        if reference and plan is not None:
            key = (plan.pk, kind, reference)
            if key in seen:
                err("reference", _("Same reference as row %d.") % seen[key])
            seen.setdefault(key, number)
        if not row_errors:
            clean.append({"plan": plan, "kind": kind, "category": category,
                          "department": department, "incurred_on": day, "amount": amount,
                          "reference": reference, "note": note})
        errors.extend(row_errors)
    return clean, errors


def _used(plan, category) -> Decimal:
    return to_money(CostEntry.objects.filter(plan=plan, category=category).aggregate(
        s=Sum("amount"))["s"] or 0)


def _budget(plan, category) -> Decimal:
    return to_money(BudgetLine.objects.filter(plan=plan, category=category).aggregate(
        s=Sum("amount"))["s"] or 0)


@dataclass
class Outcome:
    """What recording an entry did to its category: status before and after, whether the
    month needs an explanation, and the over-run it opened, if any."""

    category: str
    status: str
    previous: str
    budget: Decimal
    used: Decimal
    explanation_required: bool = False
    overrun: Overrun | None = None


MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
MAX_ATTACHMENT_NAME = 150


def check_attachment(upload, field: str = "attachment") -> None:
    """The one check of a voucher file, for the page and the API alike: a readable UTF-8
    name of an allowed type, not empty, at most 10 MB. Errors name ``field``."""
    from costs.models import ATTACHMENT_TYPES

    name = str(getattr(upload, "name", "") or "").replace("\\", "/").rsplit("/", 1)[-1]
    if not name.strip(". ") or "\ufffd" in name or any(
            ord(c) < 32 or ord(c) == 127 or 0xD800 <= ord(c) <= 0xDFFF for c in name):
        raise ValidationError({field: _("The file name is not readable text: rename the file "
                                        "and upload it again.")})
    if len(name) > MAX_ATTACHMENT_NAME:
        raise ValidationError({field: _("The file name is too long (at most %d characters).")
                               % MAX_ATTACHMENT_NAME})
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in ATTACHMENT_TYPES:
        raise ValidationError({field: _("Attach a file of one of these types: %s.")
                               % ", ".join(ATTACHMENT_TYPES)})
    size = getattr(upload, "size", None) or 0
    if size <= 0:
        raise ValidationError({field: _("The file is empty.")})
    if size > MAX_ATTACHMENT_BYTES:
        raise ValidationError({field: _("Files may be at most 10 MB.")})


@transaction.atomic
def entry_attach(*, entry, actor, file, request=None) -> CostEntry:
    """Attach the voucher of an actual or commitment (a later upload replaces it; the audit
    trail keeps the earlier name). The same rule as recording the entry; the same checks as
    the page."""
    _lock_plan(entry.plan)
    entry = CostEntry.objects.select_for_update(of=("self",)).select_related(
        "plan", "department").get(pk=entry.pk)
    _require(actor, "costs.record_actual", entry,
             _("You may not record costs for this department on this plan."))
    check_attachment(file, "file")
    previous = entry.attachment.name or None
    entry.attachment = file
    try:
        save_audited(entry, actor=actor, subject=entry.plan, request=request,
                     action="costs.entry.attach",
                     data={"entry": entry.pk, "file": entry.attachment.name,
                           "previous": previous})
    except ValidationError as exc:
        if hasattr(exc, "error_dict") and "attachment" in exc.error_dict:
            raise ValidationError({"file": exc.error_dict["attachment"]}) from exc
        raise
    return entry


def _store(entry_data, *, actor, request=None, attachment=None, locked_plans=None):
    plan = entry_data["plan"]
    overrun = Overrun.objects.filter(plan=plan, category=entry_data["category"]).first()
    if overrun is not None and overrun.blocks_spending and entry_data["amount"] > 0:
        raise Conflict(_("%(category)s on “%(plan)s” is over budget and %(state)s: no more "
                         "spending is recorded until the committee lets it continue.")
                       % {"category": Category(overrun.category).label, "plan": plan.title,
                          "state": overrun.get_state_display().lower()})
    entry = CostEntry(recorded_by=actor, **entry_data)
    if attachment is not None:
        check_attachment(attachment)
        entry.attachment = attachment
    save_audited(entry, actor=actor, subject=plan, request=request,
                 action=f"costs.{entry.kind}.record",
                 data={"category": entry.category, "amount": str(entry.amount),
                       "department": entry.department.code, "reference": entry.reference})
    return entry


def _evaluate(plan, category, before: Decimal, *, actor, month: dt.date) -> Outcome:
    policy = policies()[category]
    budget = _budget(plan, category)
    used = _used(plan, category)
    previous = status_for(budget, before, policy)
    status = status_for(budget, used, policy)
    outcome = Outcome(category, status, previous, budget, used)
    if status in (Status.WARNING, Status.OVERRUN):
        outcome.explanation_required = not VarianceExplanation.objects.filter(
            plan=plan, category=category, month=month.replace(day=1)).exists()
    label = Category(category).label
    if status == Status.WARNING and previous == Status.OK:
        notify(_plan_people(plan) + _owners(plan, category),
               lambda: _("%(category)s on “%(plan)s” reached the warning threshold: explain "
                         "the variance.") % {"category": label, "plan": plan.title},
               url=_plan_costs_url(plan))
    if status == Status.OVERRUN and not Overrun.objects.filter(
            plan=plan, category=category).exists():
        outcome.overrun = _open_overrun(plan, category, budget, used, policy, actor=actor)
    return outcome


def _owners(plan, category):
    return [t.owner for t in CostTarget.objects.filter(plan=plan).select_related("owner")
            if not t.category or t.category == category]


def _open_overrun(plan, category, budget, used, policy, *, actor) -> Overrun:
    """An over-run of a category: by its rule, a committee decision that must let spending
    continue, or a deviation on the plan (§3.5)."""
    from committee.choices import DecisionKind
    from committee.services import decision_open

    label = Category(category).label
    overrun = Overrun.objects.create(plan=plan, category=category, budget=budget, spent=used,
                                     action=policy.overrun_action,
                                     state=OverrunState.RECORDED)
    if policy.overrun_action == OverrunAction.DECISION:
        decision_open(subject=overrun, kind=DecisionKind.BUDGET_OVERRUN, actor=None,
                      title=_("Budget over-run: %(category)s on “%(plan)s”")
                      % {"category": label, "plan": plan.title}, excluded=[plan.author])
        overrun.state = OverrunState.AWAITING_DECISION
    else:
        overrun.deviation = _open_deviation(plan, label, budget, used)
        overrun.state = OverrunState.DEVIATION if overrun.deviation else OverrunState.RECORDED
    overrun.save()
    record(actor=actor, action="costs.overrun.open", subject=plan,
           data={"category": category, "budget": str(budget), "spent": str(used),
                 "rule": policy.overrun_action})
    notify(_plan_people(plan), lambda: _("Budget over-run: %(category)s on “%(plan)s” "
                                         "(%(spent)s of %(budget)s).")
           % {"category": label, "plan": plan.title, "spent": used, "budget": budget},
           url=_plan_costs_url(plan))
    return overrun


def _open_deviation(plan, label, budget, used):
    """A system deviation on the running plan, like the ones opened by red KPI signals."""
    from plans.choices import DeviationSource
    from plans.models import Deviation

    if plan.state not in RUNNING:
        return None
    deviation = Deviation.objects.create(
        plan=plan, source=DeviationSource.COST_OVERRUN, gap=used - budget,
        title=(_("Budget over-run: %(category)s (%(spent)s of %(budget)s)")
               % {"category": label, "spent": used, "budget": budget})[:200],
        gap_note=_("cost over-run")[:300])
    record(actor=None, action="plans.deviation.create", subject=plan, actor_label="system",
           data={"title": deviation.title, "source": "cost_overrun"})
    return deviation


@transaction.atomic
def entry_record(*, plan, actor, request=None, attachment=None, **data):
    """Record one actual or commitment on a running plan: the plan must be running and the
    date within its period; a category whose over-run awaits (or was refused) a committee
    decision takes no more spending (409). Returns (entry, outcome)."""
    locked = _lock_plan(plan)
    row = {k: data.get(k) for k in ("kind", "category", "department", "amount", "reference",
                                    "note")}
    row["plan"] = locked.pk
    row["department"] = getattr(data.get("department"), "code", data.get("department"))
    row["date"] = data.get("incurred_on")
    if locked.state not in RUNNING and actor.has_perm("costs.view_plan_costs", locked):
        raise Conflict(_("Costs are recorded on approved, running plans."))
    probe = CostEntry(plan=locked, department=data.get("department"))
    _require(actor, "costs.record_actual", probe,
             _("You may not record costs for this department on this plan."))
    clean, errors = check_entry_rows(actor, [{k: v for k, v in row.items() if v is not None}])
    if errors:
        raise ValidationError({("incurred_on" if e["column"] == "date" else e["column"]
                                or "non_field_errors"): [e["reason"]] for e in errors})
    item = clean[0]
    item["plan"] = locked
    before = _used(locked, item["category"])
    entry = _store(item, actor=actor, request=request, attachment=attachment)
    return entry, _evaluate(locked, item["category"], before, actor=actor,
                            month=item["incurred_on"])


@transaction.atomic
def entries_store(*, actor, rows, request=None, first_row=1) -> dict:
    """Store a batch of entries (upload or API): every row is checked first; one bad row
    stores nothing (RowErrors). Returns a summary."""
    clean, errors = check_entry_rows(actor, rows, first_row=first_row)
    if errors:
        raise RowErrors(errors)
    plans = {}
    for item in clean:
        plans.setdefault(item["plan"].pk, item["plan"])
    locked = {pk: _lock_plan(p) for pk, p in sorted(plans.items())}
    before = {}
    for item in clean:
        item["plan"] = locked[item["plan"].pk]
        key = (item["plan"].pk, item["category"])
        if key not in before:
            before[key] = (_used(item["plan"], item["category"]), item["incurred_on"])
    created = []
    for item in clean:
        created.append(_store(item, actor=actor, request=request))
    outcomes = []
    for (plan_pk, category), (used, month) in before.items():
        outcome = _evaluate(locked[plan_pk], category, used, actor=actor, month=month)
        outcomes.append({"plan": plan_pk, "category": category, "status": outcome.status,
                         "explanation_required": outcome.explanation_required,
                         "overrun": outcome.overrun.pk if outcome.overrun else None})
    return {"created": len(created), "ids": [e.pk for e in created], "categories": outcomes}


@transaction.atomic
def explanation_save(*, plan, actor, category, month, text, request=None):
    """Explain a category's variance for a month (one explanation per plan, category and
    month; writing again replaces it, the audit trail keeps the earlier text)."""
    locked = _lock_plan(plan)
    _require(actor, "costs.explain_variance", locked,
             _("You may not explain this plan's variances."))
    if category not in Category.values:
        raise ValidationError({"category": _("No such category.")})
    if not text or not text.strip():
        raise ValidationError({"text": _("Write the explanation.")})
    month = month.replace(day=1)
    if not (locked.period_start.replace(day=1) <= month <= locked.period_end):
        raise ValidationError({"month": _("Outside the plan period.")})
    explanation = VarianceExplanation.objects.select_for_update().filter(
        plan=locked, category=category, month=month).first()
    previous = explanation.text if explanation else None
    if explanation is None:
        explanation = VarianceExplanation(plan=locked, category=category, month=month)
    explanation.text = text.strip()
    explanation.written_by = actor
    explanation.written_at = timezone.now()
    return save_audited(explanation, actor=actor, subject=locked, request=request,
                        action="costs.explanation.save",
                        data={"category": category, "month": month.isoformat(),
                              "previous": previous})


def apply_overrun_decision(*, decision, actor) -> None:
    """Receiver of committee.signals.decision_closed: an approved over-run decision lets the
    category continue; a rejected one keeps it closed to new spending."""
    from django.contrib.contenttypes.models import ContentType

    if decision.kind != "budget_overrun" or decision.subject_type_id != \
            ContentType.objects.get_for_model(Overrun).pk:
        return
    overrun = Overrun.objects.select_for_update().filter(pk=decision.subject_id).first()
    if overrun is None or overrun.state != OverrunState.AWAITING_DECISION:
        return
    overrun.state = OverrunState.APPROVED if decision.state == "approved" \
        else OverrunState.REJECTED
    overrun.decided_at = timezone.now()
    overrun.save(update_fields=["state", "decided_at"])
    record(actor=actor, action=f"costs.overrun.{overrun.state}", subject=overrun.plan,
           data={"category": overrun.category, "decision": decision.pk})
    plan = overrun.plan
    notify(_plan_people(plan), lambda: _("The committee decided the over-run of "
                                         "%(category)s on “%(plan)s”: %(state)s.")
           % {"category": Category(overrun.category).label, "plan": plan.title,
              "state": overrun.get_state_display()}, url=_plan_costs_url(plan),
           event=Event.DECISION)


# --- saving measures, suggestions and rewards ----------------------------------------------

@transaction.atomic
def measure_save(*, actor, measure=None, request=None, **data) -> SavingMeasure:
    """Create or change a saving measure. Confirming realised savings is its own action."""
    if measure is None:
        _require(actor, "costs.add_measure", message=_("You may not add saving measures."))
        measure = SavingMeasure()
    else:
        measure = SavingMeasure.objects.select_for_update(of=("self",)).get(pk=measure.pk)
        _require(actor, "costs.change_measure", measure, _("You may not change this measure."))
        if measure.status == MeasureStatus.REALISED:
            raise Conflict(_("The savings of this measure are confirmed: it is closed."))
    if data.get("status") == MeasureStatus.REALISED:
        raise ValidationError({"status": _("Savings are confirmed by the planning "
                                           "department (confirm).")})
    plan = data.get("plan")
    if plan is not None and not actor.has_perm("plans.view_plan", plan):
        raise ValidationError({"plan": _("No such plan.")})
    changes = {}
    for name in MEASURE_FIELDS:
        if name in data:
            setattr(measure, name, data[name])
            changes[name] = str(data[name]) if data[name] is not None else None
    save_audited(measure, actor=actor, action="costs.measure.save", data=changes,
                 request=request)
    return measure


def reward_rule(saving: Decimal) -> tuple[str, Decimal | None, str]:
    """The configurable reward rule: a cash reward of OPSPLAN_COSTS_REWARD_RATE (default 5 %)
    of the confirmed saving, capped at OPSPLAN_COSTS_REWARD_CAP (default 10,000), once the
    saving reaches OPSPLAN_COSTS_REWARD_MIN_SAVING (default 1,000); below it, recognition."""
    rate = Decimal(str(getattr(settings, "OPSPLAN_COSTS_REWARD_RATE", "0.05")))
    cap = Decimal(str(getattr(settings, "OPSPLAN_COSTS_REWARD_CAP", "10000")))
    minimum = Decimal(str(getattr(settings, "OPSPLAN_COSTS_REWARD_MIN_SAVING", "1000")))
    if saving >= minimum:
        amount = min(to_money(saving * rate), cap)
        return RewardKind.AMOUNT, amount, (
            f"{rate * 100:.1f}% × {saving} (≤ {cap}) = {amount}")
    return RewardKind.RECOGNITION, None, f"{saving} < {minimum}"


@transaction.atomic
def measure_confirm(*, measure, actor, realised_saving, request=None) -> SavingMeasure:
    """The planning department confirms a measure's realised savings (never its own owner).
    A measure born of a suggestion rewards the suggestion's author by the reward rule."""
    measure = SavingMeasure.objects.select_for_update(of=("self",)).get(pk=measure.pk)
    _require(actor, "costs.confirm_savings", measure,
             _("Savings are confirmed by the planning department, not by the measure's "
               "owner."))
    if measure.status in (MeasureStatus.REALISED, MeasureStatus.CANCELLED):
        raise Conflict(_("This measure is %(status)s.")
                       % {"status": measure.get_status_display().lower()})
    if realised_saving is None or realised_saving < 0:
        raise ValidationError({"realised_saving": _("Enter the realised saving.")})
    measure.realised_saving = to_money(realised_saving)
    measure.status = MeasureStatus.REALISED
    measure.confirmed_by = actor
    measure.confirmed_at = timezone.now()
    save_audited(measure, actor=actor, action="costs.measure.confirm", request=request,
                 data={"realised_saving": str(measure.realised_saving)})
    suggestion = Suggestion.objects.select_for_update().filter(measure=measure).first()
    if suggestion is not None and not Reward.objects.filter(suggestion=suggestion).exists():
        kind, amount, rule = reward_rule(measure.realised_saving)
        reward = Reward(suggestion=suggestion, kind=kind, amount=amount, rule=rule,
                        realised_saving=measure.realised_saving, granted_by=actor)
        save_audited(reward, actor=actor, subject=suggestion, request=request,
                     action="costs.reward.grant",
                     data={"kind": kind, "amount": str(amount), "rule": rule})
        suggestion.state = SuggestionState.REWARDED
        suggestion.save(update_fields=["state"])
        notify([suggestion.submitted_by], lambda: _(
            "Your suggestion “%(title)s” saved %(saving)s: you receive a reward.")
            % {"title": suggestion.title, "saving": measure.realised_saving},
            url=_suggestion_url(suggestion))
    return measure


def _suggestion_url(suggestion) -> str:
    from django.urls import reverse

    return reverse("costs:suggestion", args=[suggestion.pk])


@transaction.atomic
def suggestion_submit(*, actor, title, description, request=None) -> Suggestion:
    """Any staff member submits a saving suggestion; the planning department is told."""
    _require(actor, "costs.submit_suggestion",
             message=_("You may not submit suggestions."))
    suggestion = Suggestion(submitted_by=actor, title=title, description=description)
    save_audited(suggestion, actor=actor, action="costs.suggestion.submit", request=request,
                 data={"title": title})
    from committee.models import Membership

    planning = [m.user for m in Membership.objects.current().filter(
        department__kind="planning", position__in=["manager", "supervisor"]).select_related(
        "user")]
    notify(planning, lambda: _("New saving suggestion: %s") % suggestion.title,
           url=_suggestion_url(suggestion), exclude=actor)
    return suggestion


@transaction.atomic
def suggestion_update(*, suggestion, actor, request=None, **data) -> Suggestion:
    suggestion = Suggestion.objects.select_for_update(of=("self",)).get(pk=suggestion.pk)
    if not actor.has_perm("costs.change_suggestion", suggestion):
        if suggestion.submitted_by_id == actor.pk:
            raise Conflict(_("This suggestion has been evaluated: it no longer changes."))
        raise PermissionDenied(_("You may not change this suggestion."))
    changes = {}
    for name in ("title", "description"):
        if name in data:
            setattr(suggestion, name, data[name])
            changes[name] = data[name]
    return save_audited(suggestion, actor=actor, action="costs.suggestion.update",
                        request=request, data=changes)


def _lock_suggestion(suggestion, actor):
    suggestion = Suggestion.objects.select_for_update(of=("self",)).get(pk=suggestion.pk)
    if not actor.has_perm("costs.evaluate_suggestion", suggestion):
        if suggestion.state not in (SuggestionState.SUBMITTED, SuggestionState.ACCEPTED) \
                and actor.has_perm("costs.view_suggestion", suggestion):
            raise Conflict(_("This suggestion is %(state)s.")
                           % {"state": suggestion.get_state_display().lower()})
        raise PermissionDenied(_("The planning department evaluates suggestions (never its "
                                 "own)."))
    return suggestion


@transaction.atomic
def suggestion_evaluate(*, suggestion, actor, accept: bool, feasibility, expected_saving=None,
                        evaluation="", request=None) -> Suggestion:
    """The planning department evaluates a suggestion: feasibility (1–5), expected saving,
    and whether it is adopted."""
    suggestion = _lock_suggestion(suggestion, actor)
    if suggestion.state != SuggestionState.SUBMITTED:
        raise Conflict(_("This suggestion has been evaluated already."))
    suggestion.feasibility = feasibility
    suggestion.expected_saving = expected_saving
    suggestion.evaluation = evaluation
    suggestion.evaluated_by = actor
    suggestion.state = SuggestionState.ACCEPTED if accept else SuggestionState.REJECTED
    save_audited(suggestion, actor=actor, action="costs.suggestion.evaluate", request=request,
                 data={"accept": accept, "feasibility": feasibility,
                       "expected_saving": str(expected_saving)})
    notify([suggestion.submitted_by], lambda: _("Your suggestion “%(title)s” was evaluated: "
                                                "%(state)s.")
           % {"title": suggestion.title, "state": suggestion.get_state_display()},
           url=_suggestion_url(suggestion))
    return suggestion


@transaction.atomic
def suggestion_to_measure(*, suggestion, actor, request=None, **data) -> SavingMeasure:
    """An accepted suggestion becomes a saving measure with an owner and a department."""
    suggestion = _lock_suggestion(suggestion, actor)
    if suggestion.state != SuggestionState.ACCEPTED:
        raise Conflict(_("Only an accepted suggestion becomes a measure."))
    data.setdefault("title", suggestion.title)
    data.setdefault("description", suggestion.description)
    if data.get("expected_saving") is None:
        data["expected_saving"] = suggestion.expected_saving or Decimal(0)
    measure = measure_save(actor=actor, request=request, **data)
    suggestion.measure = measure
    suggestion.state = SuggestionState.MEASURE
    save_audited(suggestion, actor=actor, action="costs.suggestion.measure", request=request,
                 data={"measure": measure.pk})
    return measure


def budget_restore(plan, rows) -> None:
    """Put the plan's budget back as a revision snapshot says (a rejected adjustment returns
    to the approved revision; the hook plans.revisions.restore needs for section "budget").
    Lines keep their ids; the periods are rebuilt from the snapshot's split."""
    import datetime as dt_

    keep = {int(r["id"]) for r in rows if r.get("id")}
    BudgetLine.objects.filter(plan=plan).exclude(pk__in=keep).delete()
    for row in rows:
        line = BudgetLine.objects.filter(plan=plan, pk=int(row["id"])).first() \
            or BudgetLine(pk=int(row["id"]), plan=plan)
        line.category, line.description = row["category"], row["description"]
        line.department_id = int(row["department_id"])
        line.action_id = int(row["action_id"]) if row.get("action_id") else None
        line.basis, line.basis_note = row["basis"], row.get("basis_note", "")
        line.amount = Decimal(row["amount"])
        line.split_kind, line.split_mode = row["split_kind"], row["split_mode"]
        line.save()
        line.periods.all().delete()
        parts = []
        for part in filter(None, (p.strip() for p in (row.get("periods") or "").split(";"))):
            month, amount = part.split(" ")
            year, number = month.split("-")
            parts.append(BudgetPeriod(line=line, period_start=dt_.date(int(year), int(number), 1),
                                      amount=Decimal(amount)))
        BudgetPeriod.objects.bulk_create(parts)


def remind_missing_explanations() -> list:
    """Daily: for each running plan, every category month at or above its warning threshold
    without an explanation is announced once to whoever answers for it."""
    from costs import selectors
    from costs.models import ExplanationReminder
    from plans.models import Plan

    sent = []
    for plan in Plan.objects.filter(state__in=RUNNING).order_by("pk"):
        wanted = selectors.needs_explanation(plan, selectors.accounting(plan))
        for item in wanted:
            with transaction.atomic():
                reminder, created = ExplanationReminder.objects.get_or_create(
                    plan=plan, category=item["category"], month=item["month"])
                if not created:
                    continue
                label = Category(item["category"]).label
                notify(_plan_people(plan) + _owners(plan, item["category"]),
                       lambda label=label, month=item["month"], title=plan.title: _(
                           "Explain the variance of %(category)s on “%(plan)s” for %(month)s.")
                       % {"category": label, "plan": title, "month": f"{month:%Y-%m}"},
                       url=_plan_costs_url(plan), event=Event.REMINDER)
                sent.append(reminder)
    return sent
