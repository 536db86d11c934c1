"""Measurement uploads with a preview (§4.2): a .csv or .xlsx file is checked row by row and
shown; only a clean file can be confirmed, and then every row is stored or none. Small files
are stored during the request, large ones by a task whose progress the page polls."""

from __future__ import annotations

import csv
import uuid

from celery import states
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kpis import uploads
from kpis.ingestion import COLUMNS
from kpis.models import ImportBatch
from kpis.tasks import store_import_batch
from opsplan.errors import Conflict
from opsplan.forms import posted

SYNC_LIMIT = 2_000  # rows stored during the request; more go to a background task
PREVIEW_ROWS = 50
ERRORS_PER_PAGE = 500
MAX_STORED_ERRORS = 10_000
# A multipart body carries the file plus a little: the token, boundaries, part headers.
BODY_SLACK = 1024 * 1024
State = ImportBatch.State


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("File"), allow_empty_file=True,
        widget=forms.ClearableFileInput(attrs={
            "accept": ".csv,.xlsx,text/csv,"
                      "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Formatted per request, in the reader's language (not once at import).
        self.fields["file"].help_text = _("A .csv (UTF-8) or .xlsx file of at most %d MB.") \
            % uploads.MAX_MEGABYTES


def _column_labels():
    return {"indicator": _("Indicator"), "department": _("Department"), "period": _("Period"),
            "value": _("Value"), "note": _("Note"), "reason": _("Reason for a correction")}


def _own_batch(request, pk, *, without=("rows",)):
    """The batch, if it is the signed-in person's; anyone else gets 404, not 403."""
    return get_object_or_404(ImportBatch.objects.defer(*without), pk=pk, user=request.user)


def _body_too_large(request) -> bool:
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return False
    return length > uploads.MAX_BYTES + BODY_SLACK


def _summary(result: dict) -> str:
    return _("Stored: %(created)d new, %(updated)d corrected, %(unchanged)d unchanged.") % {
        "created": result.get("created", 0), "updated": result.get("updated", 0),
        "unchanged": result.get("unchanged", 0)}


def _upload_page(request, form, status=200):
    recent = (ImportBatch.objects.filter(user=request.user).defer("rows", "errors")
              .order_by("-created_at")[:10])
    return render(request, "kpis/upload.html", {
        "form": form, "recent": recent, "columns": COLUMNS,
        "max_megabytes": uploads.MAX_MEGABYTES, "max_rows": uploads.MAX_ROWS,
    }, status=status)


@csrf_exempt  # checked below, once the body is known to be of an acceptable size
@login_required
@require_http_methods(["GET", "POST"])
def upload(request):
    """The upload form. An oversized body is refused from its declared length, before Django
    reads or parses any of it (so the CSRF check, which would parse it, comes after)."""
    if request.method == "POST" and _body_too_large(request):
        form = UploadForm(data={}, files={})
        form.is_valid()  # bound but empty: its only error ("required") is replaced below
        form.errors.clear()
        form.add_error("file", uploads.too_large_message())
        return _upload_page(request, form, status=413)
    return _checked_upload(request)


@csrf_protect
def _checked_upload(request):
    form = UploadForm(*posted(request, files=True))
    if request.method == "POST" and form.is_valid():
        file = form.cleaned_data["file"]
        rows, errors = uploads.check_upload(request.user, file)
        if not rows:  # the file as a whole is unusable: say why on the form
            for error in errors:
                form.add_error("file", error.reason)
        else:
            batch = ImportBatch.objects.create(
                user=request.user, filename=(file.name or "upload")[:255],
                rows=uploads.json_safe(rows),
                errors=[e.as_dict() for e in errors[:MAX_STORED_ERRORS]],
                # Counts for the preview; the task replaces them with its summary.
                result={"row_count": len(rows), "error_count": len(errors)})
            return redirect("kpis:upload-preview", pk=batch.pk)
    return _upload_page(request, form)


@login_required
@require_GET
def upload_template(request):
    """An empty file with the header row (UTF-8 with a byte-order mark, so Excel opens it
    with the right encoding)."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="measurements.csv"'
    response.write("\ufeff")
    csv.writer(response).writerow(COLUMNS)
    return response


def _display_errors(batch) -> list[dict]:
    return batch.errors or []


@login_required
@require_GET
def upload_preview(request, pk):
    batch = _own_batch(request, pk, without=())
    errors = _display_errors(batch)
    error_count = len(errors)
    if batch.state == State.PREVIEW:  # more may have been found than were kept
        error_count = max(error_count, (batch.result or {}).get("error_count", 0))
    page = Paginator(errors, ERRORS_PER_PAGE).get_page(request.GET.get("page"))
    rows = batch.rows or []
    preview = [(number, ["" if row.get(c) is None else row.get(c) for c in COLUMNS])
               for number, row in enumerate(rows[:PREVIEW_ROWS], start=2)]
    labels = _column_labels()
    return render(request, "kpis/upload_preview.html", {
        "batch": batch, "row_count": len(rows), "preview": preview,
        "preview_limit": PREVIEW_ROWS, "columns": [(c, labels[c]) for c in COLUMNS],
        "errors_page": page, "error_count": error_count,
        "errors_truncated": error_count > len(errors),
        "can_confirm": batch.state == State.PREVIEW and not errors and bool(rows),
        "polling": batch.state == State.STORING,
        **_status_context(batch),
    })


@login_required
@require_POST
def upload_confirm(request, pk):
    """Store a clean batch: all rows or none. Claiming the batch (preview → storing) is one
    conditional update, so a second confirmation, even a concurrent one, is refused."""
    batch = _own_batch(request, pk)
    if batch.errors:
        return render(request, "409.html", {"message": _(
            "This file has errors: nothing can be stored. Fix the file and upload it again."),
            "back": batch_url(batch)}, status=400)
    claimed = ImportBatch.objects.filter(pk=batch.pk, state=State.PREVIEW).update(
        state=State.STORING)
    if not claimed:
        raise Conflict(_("This file was already confirmed."))
    row_count = (batch.result or {}).get("row_count")
    if row_count is None:
        row_count = len(ImportBatch.objects.values_list("rows", flat=True).get(pk=batch.pk))
    if row_count <= SYNC_LIMIT:
        outcome = store_import_batch.apply(args=[str(batch.pk)])
        batch.refresh_from_db(fields=["state", "result"])
        if outcome.failed():
            ImportBatch.objects.filter(pk=batch.pk, state=State.STORING).update(
                state=State.FAILED)
            messages.error(request, _("Storing failed: nothing was stored. Please try again "
                                      "later or tell the planning department."))
        elif batch.state == State.STORED:
            messages.success(request, _summary(batch.result))
        else:
            messages.error(request, _("The data changed since the preview and some rows are no "
                                      "longer valid: nothing was stored."))
        return redirect(batch_url(batch))
    task_id = str(uuid.uuid4())
    ImportBatch.objects.filter(pk=batch.pk).update(task_id=task_id)
    try:
        store_import_batch.apply_async(args=[str(batch.pk)], task_id=task_id)
    except Exception:  # the broker is unreachable: give the batch back
        ImportBatch.objects.filter(pk=batch.pk, state=State.STORING).update(
            state=State.PREVIEW, task_id="")
        messages.error(request, _("The background worker cannot be reached: nothing was "
                                  "stored. Please confirm again in a few minutes."))
        return redirect(batch_url(batch))
    messages.info(request, _("Storing %d rows in the background.") % row_count)
    return redirect(batch_url(batch))


def batch_url(batch) -> str:
    return reverse("kpis:upload-preview", args=[batch.pk])


def _task_progress(task_id: str):
    """(state, info) of the task; without a result backend: unknown."""
    from celery.result import AsyncResult

    try:
        result = AsyncResult(task_id)
        return result.state, result.info
    except Exception:  # no result backend configured, or it is unreachable
        return states.PENDING, None


def _status_context(batch) -> dict:
    progress = None
    if batch.state == State.STORING and batch.task_id:
        state, info = _task_progress(batch.task_id)
        if state in states.PROPAGATE_STATES:  # the task crashed or was revoked
            ImportBatch.objects.filter(pk=batch.pk, state=State.STORING).update(
                state=State.FAILED)
            batch.refresh_from_db(fields=["state", "result", "errors"])
        elif state == "PROGRESS" and isinstance(info, dict):
            done, total = info.get("done"), info.get("total")
            if isinstance(done, int) and isinstance(total, int) and total > 0:
                progress = {"done": min(done, total), "total": total,
                            "percent": round(100 * min(done, total) / total)}
    return {"batch": batch, "progress": progress,
            "summary": _summary(batch.result) if batch.state == State.STORED else "",
            "states": State}


@login_required
@require_GET
def upload_status(request, pk):
    """An HTML fragment for htmx polling: a progress bar while storing; once finished, the
    outcome with status 286, which tells htmx to stop polling."""
    batch = _own_batch(request, pk, without=("rows", "errors"))
    context = _status_context(batch)
    response = render(request, "kpis/upload_status.html", context)
    if context["batch"].state != State.STORING:
        response.status_code = 286
    return response
