"""Reading an uploaded file of cost entries: kpis' CSV/XLSX reader (encoding, delimiter,
workbook and size checks) with the columns of costs.services.ENTRY_COLUMNS; rows are checked
by costs.services.check_entry_rows and stored all or none by costs.services.entries_store."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from costs.models import EntryImport
from costs.services import (
    ENTRY_COLUMNS,
    ENTRY_REQUIRED,
    MAX_ROWS,
    RowErrors,
    check_entry_rows,
    entries_store,
)
from kpis import uploads as kpi_uploads
from kpis.uploads import _blank, _csv_rows, _normalise, _Refused, _xlsx_rows, json_safe

__all__ = ["check_upload", "confirm", "json_safe", "read_table"]
SHEET_FIRST_ROW = 2


def _error(row, column, reason):
    return {"row": row, "column": column, "reason": str(reason)}


def _header(cells) -> list[str]:
    names = [_normalise(c) for c in cells]
    while names and not names[-1]:
        names.pop()
    missing = [c for c in ENTRY_REQUIRED if c not in names]
    unknown = [n or _("(blank)") for n in names if n not in ENTRY_COLUMNS]
    if not names or missing or unknown or len(set(names)) != len(names):
        raise _Refused(_("The header row is wrong. Expected the columns %(columns)s; kind, "
                         "reference and note may be left out.")
                       % {"columns": ", ".join(ENTRY_COLUMNS)}, 1)
    return names


def read_table(uploaded_file) -> tuple[list[dict], list[dict]]:
    """Data rows of a .csv or .xlsx file keyed by the header, or one file-level error."""
    try:
        name = str(getattr(uploaded_file, "name", "") or "").lower()
        size = getattr(uploaded_file, "size", None)
        if size is not None and size > kpi_uploads.MAX_BYTES:
            raise _Refused(kpi_uploads.too_large_message())
        if size == 0:
            raise _Refused(_("The file is empty."))
        if name.endswith(".csv"):
            lines = _csv_rows(uploaded_file)
        elif name.endswith(".xlsx"):
            lines = _xlsx_rows(uploaded_file)
        else:
            raise _Refused(_("Upload a .csv or .xlsx file."))
        try:
            first = next(lines, None)
            if first is None:
                raise _Refused(_("The file is empty."))
            header = _header(first)
            rows = []
            for cells in lines:
                if all(_blank(c) for c in cells):
                    continue
                if len(rows) >= MAX_ROWS:
                    raise _Refused(_("The file has more than %d rows: split it.") % MAX_ROWS)
                rows.append({h: (c.strip() if isinstance(c, str) else c)
                             for h, c in zip(header, cells, strict=False)})
            if not rows:
                raise _Refused(_("The file has a header but no data rows."))
            return rows, []
        finally:
            lines.close()
    except _Refused as refused:
        return [], [_error(refused.error.row, "", refused.error.reason)]


def check_upload(user, uploaded_file):
    rows, errors = read_table(uploaded_file)
    if not rows:
        return rows, errors
    _clean, errors = check_entry_rows(user, rows, first_row=SHEET_FIRST_ROW)
    return rows, errors


def confirm(batch: EntryImport, *, actor, request=None) -> dict:
    """Store a clean batch: every row or none; a batch is stored once (409 after)."""
    from opsplan.errors import Conflict

    with transaction.atomic():
        locked = EntryImport.objects.select_for_update().get(pk=batch.pk)
        if locked.state != "preview":
            raise Conflict(_("This file was already stored."))
        if locked.errors:
            raise Conflict(_("This file has errors: nothing can be stored. Fix the file and "
                             "upload it again."))
        try:
            with transaction.atomic():
                result = entries_store(
                    actor=actor, rows=locked.rows, request=request,
                    first_row=SHEET_FIRST_ROW)
        except RowErrors as exc:
            locked.errors = exc.row_errors
            locked.save(update_fields=["errors"])
            return {"errors": exc.row_errors}
        locked.state = "stored"
        locked.stored = result["created"]
        locked.save(update_fields=["state", "stored"])
        return result
