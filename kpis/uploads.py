"""Reading an uploaded measurement file (§4.2): a .csv (UTF-8) or .xlsx table with a header
row and the columns of kpis.ingestion.COLUMNS, turned into raw row dicts that
kpis.ingestion.check_rows validates. Errors name spreadsheet rows: the header is row 1, the
first data row is row 2. Nothing here stores anything."""

from __future__ import annotations

import csv
import datetime as dt
from decimal import Decimal
from itertools import islice

from django.utils.translation import gettext as _

from kpis.ingestion import COLUMNS, MAX_ROWS, REQUIRED, RowError, check_rows

MAX_BYTES = 20 * 1024 * 1024
MAX_MEGABYTES = MAX_BYTES // (1024 * 1024)
# Excel's own sheet limit: beyond it a "sheet" is not a real one (e.g. a compression bomb).
MAX_SCANNED_ROWS = 1_048_576
MAX_COLUMNS = 100
EXTENSIONS = (".csv", ".xlsx")
FILE = 0  # the row of errors about the whole file
HEADER = 1  # the spreadsheet row of the header
SHEET_FIRST_ROW = HEADER + 1  # the first data row
_BOM = b"\xef\xbb\xbf"


class _Refused(Exception):
    """The file cannot be read at all; carries the one error to show."""

    def __init__(self, reason: str, row: int = FILE):
        super().__init__(reason)
        self.error = RowError(row, "", reason)


def too_large_message() -> str:
    return _("The file is larger than %d MB: split it into smaller files.") % MAX_MEGABYTES


def read_table(uploaded_file) -> tuple[list[dict], list[RowError]]:
    """The data rows of a .csv or .xlsx file as dicts keyed by the (normalised) header, and
    the errors found while reading. A file-level problem (too large, empty, not UTF-8, not an
    xlsx, wrong header, too many rows) gives no rows and one error; cells with more values
    than the header has columns give row errors. Values are passed on as read: strings from
    a CSV; str, int, float, datetime, bool or None from Excel."""
    try:
        name = str(getattr(uploaded_file, "name", "") or "").lower()
        size = getattr(uploaded_file, "size", None)
        if size is not None and size > MAX_BYTES:  # refused before reading a byte
            raise _Refused(too_large_message())
        if size == 0:
            raise _Refused(_("The file is empty."))
        if name.endswith(".csv"):
            lines = _csv_rows(uploaded_file)
        elif name.endswith(".xlsx"):
            lines = _xlsx_rows(uploaded_file)
        else:
            raise _Refused(_("Upload a .csv or .xlsx file (an older .xls workbook can be saved "
                             "as .xlsx in Excel)."))
        try:
            return _table(lines)
        finally:
            lines.close()  # an unfinished generator closes the workbook now, not at GC
    except _Refused as refused:
        return [], [refused.error]


def check_upload(user, uploaded_file) -> tuple[list[dict], list[RowError]]:
    """Read the file and check every row for ``user``; errors carry spreadsheet rows and are
    sorted by row. Rows are returned even when some have errors (for the preview)."""
    rows, errors = read_table(uploaded_file)
    if not rows:
        return rows, errors
    checked = check_rows(user, rows, first_row=SHEET_FIRST_ROW)
    blank = {number for number, row in enumerate(rows, start=SHEET_FIRST_ROW) if not row}
    errors = [*errors, *(e for e in checked.errors if e.row not in blank),
              *(RowError(number, "", _("This row is empty: delete it or fill it in."))
                for number in sorted(blank))]
    errors.sort(key=lambda e: e.row)
    return rows, errors


def json_safe(rows: list[dict]) -> list[dict]:
    """Rows as JSON values (for ImportBatch.rows): dates as ISO strings, decimals and floats
    as strings; check_rows reads them back to the same values."""
    return [{key: _json_value(value) for key, value in row.items()} for row in rows]


def _json_value(value):
    if value is None or isinstance(value, str | bool | int):
        return value
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0) and value.tzinfo is None:
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, float | Decimal):
        return str(value)
    return str(value)


# --- the table --------------------------------------------------------------------------------

def _normalise(cell) -> str:
    return "".join(str(cell if cell is not None else "").split()).lower()


def _blank(cell) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def _header(cells) -> list[str]:
    names = [_normalise(c) for c in cells]
    while names and not names[-1]:
        names.pop()
    if not names:
        raise _Refused(_("The first row must be the header: %s.") % ", ".join(COLUMNS),
                       HEADER)
    missing = [c for c in REQUIRED if c not in names]
    unknown = [n or _("(blank)") for n in names if n not in COLUMNS]
    repeated = sorted({n for n in names if n in COLUMNS and names.count(n) > 1})
    problems = []
    if missing:
        problems.append(_("missing columns: %s") % ", ".join(missing))
    if unknown:
        problems.append(_("unknown columns: %s") % ", ".join(unknown))
    if repeated:
        problems.append(_("repeated columns: %s") % ", ".join(repeated))
    if problems:
        raise _Refused(_("The header row is wrong (%(problems)s). Expected the columns "
                         "%(columns)s; note and reason may be left out.")
                       % {"problems": "; ".join(problems), "columns": ", ".join(COLUMNS)},
                       HEADER)
    return names


def _table(lines) -> tuple[list[dict], list[RowError]]:
    """Header plus data rows from an iterator of cell sequences. Blank rows at the end are
    dropped; a blank row between data rows stays (check_rows reports it as incomplete)."""
    lines = iter(lines)
    first = next(lines, None)
    if first is None or all(_blank(c) for c in first):
        if first is None or all(all(_blank(c) for c in cells)
                                for cells in islice(lines, MAX_SCANNED_ROWS)):
            raise _Refused(_("The file is empty."))
        raise _Refused(_("The first row must be the header: %s.") % ", ".join(COLUMNS),
                       HEADER)
    header = _header(first)
    width = len(header)
    rows: list[dict] = []
    errors: list[RowError] = []
    blanks = 0
    for scanned, cells in enumerate(lines, start=1):
        if scanned > MAX_SCANNED_ROWS:
            raise _Refused(_("The file has too many rows (at most %d).") % MAX_ROWS)
        if all(_blank(c) for c in cells):
            blanks += 1
            continue
        if len(rows) + blanks >= MAX_ROWS:
            raise _Refused(_("The file has more than %d rows: split it into smaller files.")
                           % MAX_ROWS)
        rows.extend({} for _ in range(blanks))
        blanks = 0
        line = len(rows) + 2
        if any(not _blank(c) for c in islice(cells, width, None)):
            errors.append(RowError(line, "", _(
                "This row has more cells than the header has columns.")))
        row = {}
        for name, cell in zip(header, cells, strict=False):
            if isinstance(cell, str):
                cell = cell.strip()
            elif name in ("indicator", "department") and isinstance(cell, float) \
                    and cell.is_integer():
                cell = int(cell)  # a numeric code Excel stored as a number
            row[name] = cell
        rows.append(row)
    if not rows:
        raise _Refused(_("The file has a header but no data rows."))
    return rows, errors


# --- CSV --------------------------------------------------------------------------------------

def _csv_rows(uploaded_file):
    """Decode line by line (UTF-8, with or without a byte-order mark) and parse with the
    delimiter of the header line (comma, semicolon or tab)."""
    uploaded_file.seek(0)
    first = True
    physical = 0

    def text_lines():
        nonlocal first, physical
        for raw in uploaded_file:
            physical += 1
            if first:
                raw = raw.removeprefix(_BOM)
                first = False
            try:
                yield raw.decode("utf-8")
            except UnicodeDecodeError:
                raise _Refused(_(
                    "The file is not UTF-8 text (line %d). In Excel, save it as “CSV UTF-8”, "
                    "or upload the .xlsx workbook.") % physical) from None

    decoded = text_lines()
    head = next(decoded, None)
    if head is None:
        raise _Refused(_("The file is empty."))
    if "\x00" in head:
        raise _Refused(_("This is not a CSV text file."))
    delimiter = max((",", ";", "\t"), key=head.count)
    if head.count(delimiter) == 0:
        delimiter = ","

    def all_lines():
        yield head
        yield from decoded

    reader = csv.reader(all_lines(), delimiter=delimiter)
    try:
        yield from reader
    except csv.Error as exc:
        raise _Refused(_("The CSV file cannot be read near line %(line)d: %(error)s")
                       % {"line": reader.line_num, "error": exc}) from None


# --- Excel ------------------------------------------------------------------------------------

def _xlsx_rows(uploaded_file):
    """The first sheet's rows as value tuples (read-only, streaming). Any failure to open or
    read the workbook is the file's fault, reported as such."""
    from openpyxl import load_workbook

    not_xlsx = _("This is not an Excel .xlsx workbook (or it is damaged). Save it from Excel "
                 "as .xlsx, or upload a CSV file.")
    uploaded_file.seek(0)
    head = uploaded_file.read(4)
    uploaded_file.seek(0)
    if head[:2] != b"PK":  # every xlsx is a zip archive
        raise _Refused(not_xlsx)
    try:
        workbook = load_workbook(uploaded_file, read_only=True, data_only=True)
    except Exception:  # zipfile.BadZipFile, KeyError, InvalidFileException, XML errors, ...
        raise _Refused(not_xlsx) from None
    try:
        if not workbook.worksheets:
            raise _Refused(_("The workbook has no sheet."))
        sheet = workbook.worksheets[0]
        if not hasattr(sheet, "iter_rows"):
            raise _Refused(_("The first sheet of the workbook holds no table."))
        try:
            yield from sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True)
        except _Refused:
            raise
        except Exception:
            raise _Refused(not_xlsx) from None
    finally:
        workbook.close()
