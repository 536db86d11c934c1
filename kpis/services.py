"""Changes to indicator data: the catalog, measurements (with corrections), targets, and the
signals and reminders derived from them. Views, the API and tasks call these."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kpis.choices import Band, SignalState
from kpis.ingestion import CleanRow, check_rows
from kpis.models import (
    Correction,
    DeviationSignal,
    Indicator,
    Measurement,
    Rollup,
    Target,
    band_for,
)
from opsplan.audit import record, save_audited

INDICATOR_FIELDS = ("code", "name_en", "name_zh", "definition", "formula", "unit", "kind",
                    "direction", "aggregation", "owner_department", "collector", "frequency",
                    "method", "source", "visibility", "is_active")


class RowErrors(ValidationError):
    """A batch with row errors: nothing was stored. ``errors`` lists row, column, reason."""

    def __init__(self, errors):
        self.row_errors = [e.as_dict() for e in errors]
        super().__init__({"rows": [_("Row %(row)s, %(column)s: %(reason)s") % e
                                   for e in self.row_errors[:200]]})


@transaction.atomic
def indicator_save(*, actor, indicator: Indicator | None = None, readers=None, request=None,
                   **data) -> Indicator:
    """Create or change a catalog entry (planning department)."""
    indicator = indicator or Indicator()
    if not actor.has_perm("kpis.change_indicator" if indicator.pk else "kpis.add_indicator",
                          indicator if indicator.pk else None):
        raise PermissionDenied(_("Only the planning department keeps the indicator catalog."))
    changes = {}
    for name in INDICATOR_FIELDS:
        if name in data and getattr(indicator, name, None) != data[name]:
            changes[name] = str(data[name])
            setattr(indicator, name, data[name])
    created = indicator.pk is None
    save_audited(indicator, actor=actor, request=request, data=changes,
          action=f"kpis.indicator.{'create' if created else 'update'}")
    if readers is not None:
        indicator.readers.set(readers)
    return indicator


def store_rows(*, actor, rows: list[CleanRow], reason: str = "", request=None) -> dict:
    """Upsert checked rows by natural key in one transaction. A changed value keeps the old
    one as a correction with who and why; an equal value changes nothing. Rollups for the
    touched series are recomputed after commit."""
    if not rows:
        return {"created": 0, "updated": 0, "unchanged": 0}
    with transaction.atomic():
        pairs = {(r.indicator_id, r.department_id) for r in rows}
        low = min(r.period_start for r in rows)
        high = max(r.period_start for r in rows)
        existing = {
            (m.indicator_id, m.department_id, m.period_start): m
            # lock only the measurement rows (no joins from the default ordering, which would
            # lock departments and indicators too), in one order so that batches cannot deadlock
            for m in Measurement.objects.select_for_update(of=("self",)).order_by("pk").filter(
                indicator_id__in={p[0] for p in pairs},
                department_id__in={p[1] for p in pairs},
                period_start__range=(low, high),
            )
        }
        now = timezone.now()
        new, changed, corrections = [], [], []
        for row in rows:
            current = existing.get((row.indicator_id, row.department_id, row.period_start))
            if current is None:
                new.append(Measurement(indicator_id=row.indicator_id,
                                       department_id=row.department_id,
                                       period_start=row.period_start, value=row.value,
                                       note=row.note, recorded_by=actor, recorded_at=now))
            elif current.value != row.value:
                corrections.append(Correction(
                    measurement=current, old_value=current.value, new_value=row.value,
                    reason=(row.reason or reason or _("Replaced by a later submission"))[:500],
                    corrected_by=actor, corrected_at=now))
                current.value = row.value
                current.note = row.note or current.note
                current.recorded_by = actor
                current.recorded_at = now
                changed.append(current)
        Measurement.objects.bulk_create(new, batch_size=5000)
        Measurement.objects.bulk_update(changed, ["value", "note", "recorded_by",
                                                  "recorded_at"], batch_size=5000)
        Correction.objects.bulk_create(corrections, batch_size=5000)
        summary = {"created": len(new), "updated": len(changed),
                   "unchanged": len(rows) - len(new) - len(changed)}
        record(actor=actor, action="kpis.measurements.store", data=summary, request=request)
        touched = sorted({(r.indicator_id, r.department_id) for r in rows})
        if new or changed:
            from kpis.tasks import rollup_incremental
            from opsplan.outbox import enqueue

            enqueue(rollup_incremental, [list(p) for p in touched], low.isoformat(),
                    high.isoformat())
    return summary


def ingest(*, actor, rows: list[dict], reason: str = "", request=None) -> dict:
    """Check a batch of raw rows and store it only when every row is clean."""
    checked = check_rows(actor, rows)
    if checked.errors:
        raise RowErrors(checked.errors)
    return store_rows(actor=actor, rows=checked.rows, reason=reason, request=request)


def record_measurement(*, actor, indicator, department, period, value, note: str = "",
                       reason: str = "", request=None) -> dict:
    """One value from the form. Replacing an existing value needs a reason."""
    from kpis.ingestion import parse_period
    from kpis.periods import frequency_start

    start = frequency_start(indicator.frequency, parse_period(period))
    current = Measurement.objects.filter(indicator=indicator, department=department,
                                         period_start=start).first()
    if current is not None and current.value != value and not reason.strip():
        raise ValidationError({"reason": _(
            "A value exists for this period (%s): say why you correct it.") % current.value})
    return ingest(actor=actor, request=request, reason=reason, rows=[{
        "indicator": indicator.code, "department": department.code, "period": start,
        "value": value, "note": note, "reason": reason}])


@transaction.atomic
def target_save(*, actor, indicator, department, grain, period_start, target, red_threshold,
                origin: str = "", request=None) -> Target:
    """Set (or change) a target with its red threshold; bands are re-evaluated at once."""
    if not actor.has_perm("kpis.add_target"):
        raise PermissionDenied(_("Only the planning department sets targets."))
    return target_upsert(actor=actor, indicator=indicator, department=department, grain=grain,
                         period_start=period_start, target=target, red_threshold=red_threshold,
                         origin=origin, request=request)


def target_upsert(*, actor, indicator, department, grain, period_start, target, red_threshold,
                  origin: str = "", request=None) -> Target:
    """The target write itself, for callers that already decided it may happen (an approved
    plan's goals become targets)."""
    from kpis.periods import grain_start

    start = grain_start(grain, period_start)
    obj = Target.objects.filter(indicator=indicator, department=department, grain=grain,
                                period_start=start).first() or Target(
        indicator=indicator, department=department, grain=grain, period_start=start)
    obj.target, obj.red_threshold, obj.origin, obj.set_by = (target, red_threshold, origin,
                                                            actor)
    save_audited(obj, actor=actor, action="kpis.target.save", request=request,
          data={"target": str(target), "red_threshold": str(red_threshold)})
    evaluate_signals(pairs=[(indicator.pk, department.pk)])
    return obj


def evaluate_signals(*, pairs=None) -> dict:
    """Open a deviation signal for each red rollup against its target; close signals whose
    value is no longer red. Idempotent."""
    targets = Target.objects.select_related("indicator")
    if pairs is not None:
        from django.db.models import Q

        q = Q()
        for indicator_id, department_id in set(pairs):
            q |= Q(indicator_id=indicator_id, department_id=department_id)
        if not q:
            return {"opened": 0, "closed": 0}
        targets = targets.filter(q)
    rollups = {(r.indicator_id, r.department_id, r.grain, r.period_start): r.value
               for r in Rollup.objects.filter(
                   indicator_id__in={t.indicator_id for t in targets},
                   department_id__in={t.department_id for t in targets})}
    opened = closed = 0
    now = timezone.now()
    for t in targets:
        key = (t.indicator_id, t.department_id, t.grain, t.period_start)
        value = rollups.get(key)
        red = value is not None and band_for(value, target=t.target,
                                             red_threshold=t.red_threshold,
                                             direction=t.indicator.direction) == Band.RED
        current = DeviationSignal.objects.filter(
            indicator_id=t.indicator_id, department_id=t.department_id, grain=t.grain,
            period_start=t.period_start, state=SignalState.OPEN)
        if red and not current.exists():
            DeviationSignal.objects.create(indicator_id=t.indicator_id,
                                           department_id=t.department_id, grain=t.grain,
                                           period_start=t.period_start, value=value,
                                           target=t.target)
            opened += 1
        elif red:
            current.update(value=value, target=t.target)
        elif not red and current.exists():
            closed += current.update(state=SignalState.CLOSED, closed_at=now)
    return {"opened": opened, "closed": closed}


def stale_series(today: dt.date | None = None):
    """(indicator, department, missing period start) for each active indicator whose owning
    department has not supplied the last complete collection period."""
    from kpis.periods import frequency_next, frequency_start

    today = today or timezone.localdate()
    from django.db.models import OuterRef, Subquery

    # The owner's newest period per indicator: one LIMIT 1 lookup per (indicator, owning
    # department) on the measurements' natural-key index, whatever their number.
    newest = (Measurement.objects.filter(indicator=OuterRef("pk"),
                                         department=OuterRef("owner_department"))
              .order_by("-period_start").values("period_start")[:1])
    result = []
    for indicator in (Indicator.objects.filter(is_active=True)
                      .select_related("owner_department", "collector")
                      .annotate(supplied=Subquery(newest))):
        current = frequency_start(indicator.frequency, today)
        due = frequency_start(indicator.frequency, current - dt.timedelta(days=1))
        supplied = indicator.supplied
        if supplied is None or frequency_next(indicator.frequency, supplied) <= due:
            result.append((indicator, indicator.owner_department, due))
    return result


def remind_stale(today: dt.date | None = None) -> int:
    """Remind the collector (or the owning department's head) once per missing period."""
    from committee.choices import Position
    from committee.models import Membership
    from kpis.models import Reminder
    from opsplan.models import Event
    from opsplan.notifications import notify

    sent = 0
    for indicator, department, due in stale_series(today):
        _reminder, created = Reminder.objects.get_or_create(
            indicator=indicator, department=department, period_start=due)
        if not created:
            continue
        recipients = [indicator.collector] if indicator.collector else [
            m.user for m in Membership.objects.current().filter(
                department=department, position__in=[Position.HEAD, Position.MANAGER])
            .select_related("user")]
        notify(recipients, lambda i=indicator, d=due: _(
            "Data for “%(indicator)s” from %(period)s is missing: please supply it.")
            % {"indicator": i.name, "period": d}, url=indicator.get_absolute_url(),
            event=Event.REMINDER)
        sent += 1
    return sent

