"""Background work on indicator data. Tasks take ids and plain values, validate them, and
call the rollup and service code; all of it is idempotent (upserts by natural key), so
``acks_late`` re-deliveries are safe."""

from __future__ import annotations

import datetime as dt

from celery import shared_task

from kpis import rollups, services


def _pairs(value) -> list[tuple[int, int]]:
    if not isinstance(value, list) or not all(
        isinstance(p, list | tuple) and len(p) == 2 and all(isinstance(x, int) for x in p)
        for p in value
    ):
        raise ValueError("pairs must be a list of [indicator_id, department_id]")
    return [tuple(p) for p in value]


@shared_task(name="kpis.rollup_incremental", acks_late=True, reject_on_worker_lost=True)
def rollup_incremental(pairs, since: str, until: str) -> dict:
    """Recompute the rollups of the touched series for the years of the new data."""
    pairs = _pairs(pairs)
    start, end = dt.date.fromisoformat(since), dt.date.fromisoformat(until)
    written = rollups.compute(pairs=pairs, since=start, until=end)
    return {"rollups": written, **services.evaluate_signals(pairs=pairs)}


@shared_task(name="kpis.rollup_full", bind=True, acks_late=True, reject_on_worker_lost=True)
def rollup_full(self) -> dict:
    """Recompute every rollup (nightly), reporting progress per indicator."""
    from kpis.models import Indicator

    indicators = list(Indicator.objects.values_list("pk", flat=True))
    written = 0
    for done, indicator_id in enumerate(indicators, start=1):
        from kpis.models import Measurement

        pairs = list(Measurement.objects.filter(indicator_id=indicator_id)
                     .values_list("indicator_id", "department_id").distinct())
        if pairs:
            written += rollups.compute(pairs=pairs)
        if self.request.id:
            self.update_state(state="PROGRESS", meta={"done": done, "total": len(indicators)})
    signals = services.evaluate_signals()
    return {"rollups": written, **signals}


@shared_task(name="kpis.remind_stale", acks_late=True)
def remind_stale() -> int:
    """Remind collectors of data missing for the last complete period (daily)."""
    return services.remind_stale()


@shared_task(name="kpis.store_import_batch", bind=True, acks_late=True,
             reject_on_worker_lost=True)
def store_import_batch(self, batch_id: str) -> dict:
    """Store a confirmed upload: re-check every row (the catalog may have changed since the
    preview), then store all or nothing in chunks, reporting progress. Idempotent: a batch
    already stored is not stored again, and rows upsert by natural key."""
    import uuid

    from django.contrib.auth import get_user_model
    from django.db import transaction

    from kpis.ingestion import check_rows
    from kpis.models import ImportBatch

    try:
        uuid.UUID(str(batch_id))
    except ValueError as exc:
        raise ValueError("batch_id must be a UUID") from exc
    batch = ImportBatch.objects.get(pk=batch_id)
    if batch.state == ImportBatch.State.STORED:
        return batch.result
    user = get_user_model().objects.get(pk=batch.user_id)
    from kpis.uploads import SHEET_FIRST_ROW

    checked = check_rows(user, batch.rows, first_row=SHEET_FIRST_ROW)
    if checked.errors:
        batch.state = ImportBatch.State.FAILED
        batch.errors = [e.as_dict() for e in checked.errors[:1000]]
        batch.save(update_fields=["state", "errors"])
        return {"failed": len(checked.errors)}
    total = len(checked.rows)
    summary = {"created": 0, "updated": 0, "unchanged": 0}
    chunk = 5000
    with transaction.atomic():
        for start in range(0, total, chunk):
            part = services.store_rows(actor=user, rows=checked.rows[start:start + chunk],
                                       reason=f"Import {batch.filename}")
            for key in summary:
                summary[key] += part[key]
            if self.request.id:
                self.update_state(state="PROGRESS",
                                  meta={"done": min(start + chunk, total), "total": total})
        batch.state = ImportBatch.State.STORED
        batch.result = summary
        batch.save(update_fields=["state", "result"])
    return summary


@shared_task(name="kpis.open_evaluation_cycles", acks_late=True, reject_on_worker_lost=True)
def open_evaluation_cycles() -> list[int]:
    """Daily: open the monthly, quarterly and annual evaluation cycles that are due (once)."""
    from kpis.evaluation_services import open_due_cycles

    return open_due_cycles()


@shared_task(name="kpis.remind_feedback", acks_late=True, reject_on_worker_lost=True)
def remind_feedback() -> int:
    """Daily: remind reviewers of 360-degree feedback still missing (once per request)."""
    from kpis.evaluation_services import remind_feedback as remind

    return remind()
