"""The register in Excel: export of what the reader may see, and an all-or-nothing import
(.xlsx or .csv) with per-row errors and a preview. File reading and workbook writing reuse
the KPI upload and export helpers."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext as _

from committee.models import Department
from kpis.exports import XLSX_MIME, _local, _new_workbook, _save, _sheet  # noqa: F401
from kpis.ingestion import RowError
from kpis.uploads import MAX_BYTES, _csv_rows, _normalise, _Refused, _xlsx_rows, too_large_message
from risks.choices import AssessmentKind, Category, Method

COLUMNS = ["title", "category", "department", "method", "owner", "description", "likelihood",
           "impact", "probability", "financial_impact"]
REQUIRED = ["title", "category", "department"]
MAX_ROWS = 2000


def export_workbook(risks) -> bytes:
    """The register as a workbook: one row per risk, in the import's columns first (so an
    exported file can be edited and imported), then the state of each risk."""
    workbook = _new_workbook()
    headers = [*COLUMNS, "id", "status", "inherent_level", "residual_level", "strategy",
               "target_level", "next_review_on", "created_at"]
    rows = []
    for risk in risks:
        inherent = risk.inherent
        rows.append([
            risk.title, risk.category, risk.department.code, risk.method,
            risk.owner.username if risk.owner_id else "", risk.description,
            inherent.likelihood if inherent else None, inherent.impact if inherent else None,
            inherent.probability if inherent else None,
            inherent.financial_impact if inherent else None, risk.pk, risk.status,
            risk.inherent_level, risk.residual_level, risk.strategy, risk.target_level,
            risk.next_review_on, _local(risk.created_at)])
    _sheet(workbook, _("Risk register"), headers, rows,
           formats={8: "0.00", 9: "#,##0.00", 16: "yyyy-mm-dd", 17: "yyyy-mm-dd hh:mm"})
    return _save(workbook)


def template_workbook() -> bytes:
    workbook = _new_workbook()
    _sheet(workbook, _("Risk register"), COLUMNS, [[
        "Key supplier fails", "financial", "sales", "brainstorming", "", "Single supplier",
        3, 4, "20", "500000"]])
    return _save(workbook)


def read_rows(uploaded_file) -> tuple[list[dict], list[RowError]]:
    """Rows of the file keyed by column; a file-level problem gives no rows and one error."""
    try:
        name = str(getattr(uploaded_file, "name", "") or "").lower()
        size = getattr(uploaded_file, "size", None)
        if size is not None and size > MAX_BYTES:
            raise _Refused(too_large_message())
        if size == 0:
            raise _Refused(_("The file is empty."))
        if name.endswith(".csv"):
            lines = _csv_rows(uploaded_file)
        elif name.endswith(".xlsx"):
            lines = _xlsx_rows(uploaded_file)
        else:
            raise _Refused(_("Upload a .csv or .xlsx file."))
        try:
            header = None
            rows = []
            for cells in lines:
                if header is None:
                    header = [_normalise(c) for c in cells]
                    while header and not header[-1]:
                        header.pop()
                    missing = [c for c in REQUIRED if c not in header]
                    unknown = [h for h in header if h and h not in COLUMNS
                               and h not in ("id", "status", "inherent_level", "residual_level",
                                             "strategy", "target_level", "next_review_on",
                                             "created_at")]
                    if missing or unknown:
                        raise _Refused(_("The header row is wrong (missing: %(missing)s; "
                                         "unknown: %(unknown)s). Expected the columns "
                                         "%(columns)s.") % {
                            "missing": ", ".join(missing) or "—",
                            "unknown": ", ".join(unknown) or "—",
                            "columns": ", ".join(COLUMNS)}, 1)
                    continue
                if all(c is None or (isinstance(c, str) and not c.strip()) for c in cells):
                    continue
                if len(rows) >= MAX_ROWS:
                    raise _Refused(_("The file has more than %d rows: split it.") % MAX_ROWS)
                rows.append({h: (c.strip() if isinstance(c, str) else c)
                             for h, c in zip(header, cells, strict=False) if h in COLUMNS})
        finally:
            lines.close()
        if header is None:
            raise _Refused(_("The file is empty."))
        if not rows:
            raise _Refused(_("The file has a header but no data rows."))
        return rows, []
    except _Refused as refused:
        return [], [refused.error]


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def check_rows(user, rows, matrix) -> tuple[list[dict], list[RowError]]:
    """Validate every row for ``user``: values become service arguments; errors name the
    spreadsheet row (the header is row 1) and the column."""
    departments = {d.code: d for d in Department.objects.filter(is_active=True)}
    users = {}
    wanted = {_text(r.get("owner")) for r in rows} - {""}
    if wanted:
        users = {u.username: u for u in get_user_model().objects.filter(
            username__in=wanted, is_active=True)}
    cleaned, errors = [], []
    for number, row in enumerate(rows, start=2):
        def bad(column, reason, number=number):
            errors.append(RowError(number, column, reason))

        data = {"title": _text(row.get("title"))[:200], "description":
                _text(row.get("description"))[:10_000]}
        if not data["title"]:
            bad("title", _("A title is required."))
        category = _text(row.get("category")).lower()
        if category not in Category.values:
            bad("category", _("Use one of: %s.") % ", ".join(Category.values))
        data["category"] = category
        method = _text(row.get("method")).lower() or Method.BRAINSTORMING
        if method not in Method.values:
            bad("method", _("Use one of: %s.") % ", ".join(Method.values))
        data["method"] = method
        code = _text(row.get("department"))
        department = departments.get(code)
        if department is None:
            bad("department", _("No active department with the code “%s”.") % code)
        elif not user.has_perm("risks.record_for", department):
            bad("department", _("You may record risks only for your own department."))
        data["department"] = department
        owner = _text(row.get("owner"))
        data["owner"] = users.get(owner) if owner else None
        if owner and data["owner"] is None:
            bad("owner", _("No active person with the username “%s”.") % owner)
        assessment = {}
        likelihood, impact = _text(row.get("likelihood")), _text(row.get("impact"))
        if likelihood or impact:
            if matrix is None:
                bad("likelihood", _("No risk matrix is configured yet."))
            for column, value, size in (("likelihood", likelihood, matrix.rows if matrix else 0),
                                        ("impact", impact, matrix.columns if matrix else 0)):
                if not value.isdigit() or not 1 <= int(value) <= size:
                    bad(column, _("Give a whole number from 1 to %d.") % size)
                else:
                    assessment[column] = int(value)
            for column, top in (("probability", Decimal(100)), ("financial_impact", None)):
                raw = _text(row.get(column))
                if not raw:
                    continue
                try:
                    value = Decimal(raw)
                    if not value.is_finite() or value < 0 or (top is not None and value > top):
                        raise InvalidOperation
                    assessment[column] = value.quantize(Decimal("0.01"))
                except InvalidOperation:
                    bad(column, _("Give a number from 0 to 100.") if top else
                        _("Give a positive amount."))
        cleaned.append({"risk": data, "assessment": assessment})
    return cleaned, errors


def import_file(user, uploaded_file, *, commit: bool, request=None) -> dict:
    """Check a file; with ``commit`` and no error, record every row (all or nothing)."""
    rows, errors = read_rows(uploaded_file)
    return import_rows(user, rows, commit=commit, request=request, errors=errors)


def import_rows(user, rows, *, commit: bool, request=None, errors=()) -> dict:
    """Check rows (dicts keyed by COLUMNS); with ``commit`` and no error, record them all."""
    from risks import services

    errors = list(errors)
    matrix = services.current_matrix()
    cleaned = []
    if rows:
        cleaned, errors = check_rows(user, rows, matrix)
    result = {"rows": len(rows), "errors": [e.as_dict() for e in errors],
              "preview": [{"row": n, "title": c["risk"]["title"],
                           "category": c["risk"]["category"],
                           "department": c["risk"]["department"].code
                           if c["risk"]["department"] else "",
                           "likelihood": c["assessment"].get("likelihood"),
                           "impact": c["assessment"].get("impact"),
                           "level": matrix.level(c["assessment"]["likelihood"],
                                                 c["assessment"]["impact"])
                           if matrix and "likelihood" in c["assessment"]
                           and "impact" in c["assessment"] else ""}
                          for n, c in enumerate(cleaned, start=2)],
              "created": []}
    if errors or not commit:
        return result
    with transaction.atomic():
        for item in cleaned:
            risk = services.risk_create(actor=user, request=request, **item["risk"])
            if "likelihood" in item["assessment"] and "impact" in item["assessment"]:
                services.risk_assess(risk=risk, actor=user, request=request,
                                     kind=AssessmentKind.INHERENT, **item["assessment"],
                                     note=_("Imported."))
            result["created"].append(risk.pk)
    return result
