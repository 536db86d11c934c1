"""Measurement uploads (§4.2): a CSV or Excel file is read, every row checked and shown; a
clean file is stored on confirmation, all rows or none; errors name the spreadsheet row (the
header is row 1), the column and the reason; files that cannot be read are refused with a
clear message, never a server error; only the uploader sees and confirms a batch."""

import datetime as dt
import io
import re
import uuid
from decimal import Decimal
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from kpis import upload_views, uploads
from kpis.models import Correction, ImportBatch, Measurement

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.kpis.upload_test_urls")]

HEADER = "indicator,department,period,value,note,reason\n"


def csv_file(text: str, name="data.csv", encoding="utf-8") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(encoding), content_type="text/csv")


def xlsx_bytes(rows) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def upload(client, file):
    return client.post(reverse("kpis:upload"), {"file": file})


def batch_of(response) -> ImportBatch:
    assert response.status_code == 302, getattr(response, "context", None) and \
        response.context["form"].errors
    return ImportBatch.objects.get(pk=response.url.rstrip("/").split("/")[-1])


def form_errors(response) -> str:
    assert response.status_code in (200, 413)
    form = response.context["form"]
    return " ".join(str(e) for errors in form.errors.values() for e in errors)


CLEAN = HEADER + (
    "revenue,planning,2025-01,1000,,\n"
    "revenue,planning,2025-02,\"1,250.50\",January was slow,\n"
    "cost,planning,2025-01-15,800,,\n"
)


# --- the whole flow ---------------------------------------------------------------------------

def test_clean_csv_previews_then_stores_every_row(client, author):
    client.force_login(author)
    batch = batch_of(upload(client, csv_file(CLEAN)))
    assert batch.user == author and batch.state == ImportBatch.State.PREVIEW
    assert batch.errors == [] and len(batch.rows) == 3
    assert not Measurement.objects.exists()  # a preview stores nothing

    preview = client.get(reverse("kpis:upload-preview", args=[batch.pk]))
    assert preview.status_code == 200
    html = preview.content.decode()
    assert reverse("kpis:upload-confirm", args=[batch.pk]) in html
    assert "1,250.50" in html and "January was slow" in html

    response = client.post(reverse("kpis:upload-confirm", args=[batch.pk]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("kpis:upload-preview", args=[batch.pk])
    assert "Stored: 3 new, 0 corrected, 0 unchanged." in response.content.decode()
    batch.refresh_from_db()
    assert batch.state == ImportBatch.State.STORED
    assert batch.result == {"created": 3, "updated": 0, "unchanged": 0}
    values = {(m.indicator.code, m.period_start): m.value for m in Measurement.objects.all()}
    assert values == {("revenue", dt.date(2025, 1, 1)): Decimal("1000"),
                      ("revenue", dt.date(2025, 2, 1)): Decimal("1250.5"),
                      ("cost", dt.date(2025, 1, 1)): Decimal("800")}
    assert Measurement.objects.get(period_start="2025-02-01").note == "January was slow"


def test_a_second_upload_corrects_values_with_the_reason(client, author):
    client.force_login(author)
    client.post(reverse("kpis:upload-confirm", args=[batch_of(upload(
        client, csv_file(CLEAN))).pk]))
    batch = batch_of(upload(client, csv_file(
        HEADER + "revenue,planning,2025-01,1100,,Late invoices\n"
                 "cost,planning,2025-01,800,,\n")))
    client.post(reverse("kpis:upload-confirm", args=[batch.pk]))
    batch.refresh_from_db()
    assert batch.result == {"created": 0, "updated": 1, "unchanged": 1}
    correction = Correction.objects.get()
    assert (correction.old_value, correction.new_value) == (Decimal(1000), Decimal(1100))
    assert correction.reason == "Late invoices"


def test_one_bad_row_stores_nothing_and_names_row_column_and_reason(client, author):
    client.force_login(author)
    batch = batch_of(upload(client, csv_file(
        HEADER + "revenue,planning,2025-01,1000,,\n"
                 "revenue,planning,2025-02,lots,,\n"
                 "revenue,planning,2025-03,1200,,\n")))
    assert batch.errors == [{"row": 3, "column": "value", "reason": "Not a number."}]

    preview = client.get(reverse("kpis:upload-preview", args=[batch.pk]))
    html = preview.content.decode()
    assert reverse("kpis:upload-confirm", args=[batch.pk]) not in html  # no confirm button
    assert "Nothing was stored" in html and "Not a number." in html
    assert re.search(r"<td>3</td><td><code>value</code></td><td>Not a number.</td>", html)

    refused = client.post(reverse("kpis:upload-confirm", args=[batch.pk]))
    assert refused.status_code == 400
    batch.refresh_from_db()
    assert batch.state == ImportBatch.State.PREVIEW
    assert not Measurement.objects.exists()


def test_errors_of_several_kinds_are_all_listed_in_row_order(client, author):
    client.force_login(author)
    batch = batch_of(upload(client, csv_file(
        HEADER + "nonsense,planning,2025-01,1,,\n"
                 "revenue,nowhere,2025-13,x,,\n"
                 "revenue,planning,2025-01,1,,\n")))
    assert [(e["row"], e["column"]) for e in batch.errors] == [
        (2, "indicator"), (3, "department"), (3, "period"), (3, "value")]


def test_duplicate_keys_in_the_file_name_the_spreadsheet_rows(client, author):
    client.force_login(author)
    batch = batch_of(upload(client, csv_file(
        HEADER + "revenue,planning,2025-01,1000,,\n"
                 "cost,planning,2025-01,10,,\n"
                 "revenue,planning,2025-01-20,1001,,\n")))  # the same month as row 2
    assert batch.errors == [{"row": 4, "column": "period", "reason":
                             "Duplicate of row 2 (same indicator, department and period)."}]
    assert client.post(reverse("kpis:upload-confirm", args=[batch.pk])).status_code == 400
    assert not Measurement.objects.exists()


def test_unit_staff_may_supply_their_department_only(client, unit_staff, planning_department):
    client.force_login(unit_staff)
    batch = batch_of(upload(client, csv_file(
        HEADER + "revenue,sales,2025-01,10,,\n"
                 "revenue,planning,2025-01,10,,\n")))
    assert batch.errors == [{"row": 3, "column": "department", "reason":
                             "You may not supply this indicator for this department."}]
    assert client.post(reverse("kpis:upload-confirm", args=[batch.pk])).status_code == 400
    assert not Measurement.objects.exists()

    clean = batch_of(upload(client, csv_file(HEADER + "revenue,sales,2025-01,10,,\n")))
    assert clean.errors == []
    client.post(reverse("kpis:upload-confirm", args=[clean.pk]))
    assert Measurement.objects.get().department.code == "sales"


# --- files that cannot be read ----------------------------------------------------------------

def test_wrong_header_is_one_error_naming_the_columns(client, author):
    client.force_login(author)
    response = upload(client, csv_file(
        "indicator,dept,period,amount\nrevenue,planning,2025-01,1\n"))
    message = form_errors(response)
    assert "missing columns: department, value" in message
    assert "unknown columns: dept, amount" in message
    assert not ImportBatch.objects.exists()


def test_header_matching_ignores_case_spaces_order_bom_and_optional_columns(client, author):
    client.force_login(author)
    text = " Value ;PERIOD; Department ;Indicator\n1000;2025-01;planning;revenue\n"
    batch = batch_of(upload(client, SimpleUploadedFile("x.CSV", b"\xef\xbb\xbf"
                                                       + text.encode())))
    assert batch.errors == []
    assert batch.rows == [{"value": "1000", "period": "2025-01", "department": "planning",
                           "indicator": "revenue"}]


def test_non_utf8_csv_is_refused_with_a_clear_message(client, author):
    client.force_login(author)
    response = upload(client, csv_file(HEADER + "revenue,planning,2025-01,1,销售部,\n",
                                       encoding="gbk"))
    assert "not UTF-8" in form_errors(response) and "line 2" in form_errors(response)
    assert not ImportBatch.objects.exists()


@pytest.mark.parametrize("content", [
    b"indicator,department,period,value\nrevenue,planning,2025-01,1\n",
    b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n",
    b"PK\x03\x04 this is not really a zip archive",
])
def test_a_file_named_xlsx_that_is_not_one_is_refused(client, author, content):
    client.force_login(author)
    response = upload(client, SimpleUploadedFile("data.xlsx", content))
    assert "not an Excel .xlsx workbook" in form_errors(response)
    assert not ImportBatch.objects.exists()


def test_a_zip_that_is_not_a_workbook_is_refused(client, author):
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("hello.txt", "hi")
    client.force_login(author)
    response = upload(client, SimpleUploadedFile("data.xlsx", out.getvalue()))
    assert "not an Excel .xlsx workbook" in form_errors(response)


@pytest.mark.parametrize(("name", "content", "expected"), [
    ("data.csv", b"", "The file is empty."),
    ("data.xlsx", b"", "The file is empty."),
    ("data.csv", b"\n\n,,,\n", "The file is empty."),
    ("data.csv", HEADER.encode(), "no data rows"),
    ("data.xls", b"\xd0\xcf\x11\xe0", "Upload a .csv or .xlsx file"),
    ("data.csv", b"\xef\xbb\xbf", "The file is empty."),
    ("data.csv", b"\n" + HEADER.encode() + b"revenue,planning,2025-01,1,,\n",
     "The first row must be the header"),
    ("data.csv", (HEADER + 'revenue,planning,2025-01,1,"' + "x" * 200_000 + '",\n').encode(),
     "cannot be read"),
])
def test_unusable_files_are_refused_on_the_form(client, author, name, content, expected):
    client.force_login(author)
    response = upload(client, SimpleUploadedFile(name, content))
    assert expected in form_errors(response)
    assert not ImportBatch.objects.exists()


def test_an_empty_xlsx_workbook_is_refused(client, author):
    client.force_login(author)
    response = upload(client, SimpleUploadedFile("data.xlsx", xlsx_bytes([])))
    assert "The file is empty." in form_errors(response)


def test_a_file_over_20_mb_is_refused_before_it_is_parsed(client, author):
    client.force_login(author)
    big = SimpleUploadedFile("big.csv", HEADER.encode() + b"x" * (22 * 1024 * 1024))
    with mock.patch("django.http.multipartparser.MultiPartParser.parse",
                    side_effect=AssertionError("the body was parsed")):
        response = upload(client, big)
    assert response.status_code == 413
    assert "larger than 20 MB" in form_errors(response)
    assert not ImportBatch.objects.exists()


def test_a_declared_50_mb_body_is_refused_without_reading_it(client, author):
    """The test client's payload raises if more is read than it holds: a small body that
    declares 50 MB proves the view answers from the declared length alone."""
    client.force_login(author)
    response = client.post(reverse("kpis:upload"), {"file": csv_file(CLEAN)},
                           CONTENT_LENGTH=str(50 * 1024 * 1024))
    assert response.status_code == 413
    assert "larger than 20 MB" in response.content.decode()


def test_read_table_refuses_a_large_file_from_its_size_without_reading_it():
    class Huge:
        name = "huge.xlsx"
        size = 50 * 1024 * 1024

        def __getattr__(self, attr):
            raise AssertionError(f"the file was touched: {attr}")

    rows, errors = uploads.read_table(Huge())
    assert rows == [] and len(errors) == 1 and "larger than 20 MB" in errors[0].reason


def test_more_rows_than_allowed_are_refused(client, author, monkeypatch):
    monkeypatch.setattr(uploads, "MAX_ROWS", 2)
    client.force_login(author)
    response = upload(client, csv_file(CLEAN))
    assert "more than 2 rows" in form_errors(response)
    two = upload(client, csv_file(HEADER + "revenue,planning,2025-01,1,,\n"
                                           "cost,planning,2025-01,1,,\n,,,,,\n,,,,,\n"))
    assert len(batch_of(two).rows) == 2  # blank trailing rows do not count


def test_blank_rows_at_the_end_are_ignored_and_blank_rows_inside_reported(client, author):
    client.force_login(author)
    batch = batch_of(upload(client, csv_file(
        HEADER + "revenue,planning,2025-01,1,,\n,,,,,\n"
                 "cost,planning,2025-01,1,,\n\n  ,,\n,,,,,\n")))
    assert len(batch.rows) == 3
    assert batch.errors == [{"row": 3, "column": "",
                             "reason": "This row is empty: delete it or fill it in."}]


def test_extra_cells_beyond_the_header_are_reported(client, author):
    client.force_login(author)
    batch = batch_of(upload(client, csv_file(
        "indicator,department,period,value\nrevenue,planning,2025-01,1,surprise\n")))
    assert batch.errors == [{"row": 2, "column": "", "reason":
                             "This row has more cells than the header has columns."}]


# --- Excel ------------------------------------------------------------------------------------

def test_xlsx_round_trip(client, author):
    data = xlsx_bytes([
        ["Indicator", "Department", "Period", "Value", "Note"],
        ["revenue", "planning", dt.datetime(2025, 1, 1), 1000, "from Excel"],
        ["cost", "planning", "2025-02", 812.25, None],
        ["market_share", "planning", "2025-Q1", 12.5, None],
        [None, None, None, None, None],
    ])
    client.force_login(author)
    batch = batch_of(upload(client, SimpleUploadedFile("book.xlsx", data)))
    assert batch.errors == []
    assert batch.rows[0] == {"indicator": "revenue", "department": "planning",
                             "period": "2025-01-01", "value": 1000, "note": "from Excel"}
    assert batch.rows[1]["value"] == "812.25"
    assert len(batch.rows) == 3
    client.post(reverse("kpis:upload-confirm", args=[batch.pk]))
    stored = {(m.indicator.code, m.period_start): (m.value, m.note)
              for m in Measurement.objects.all()}
    assert stored == {
        ("revenue", dt.date(2025, 1, 1)): (Decimal(1000), "from Excel"),
        ("cost", dt.date(2025, 2, 1)): (Decimal("812.25"), ""),
        ("market_share", dt.date(2025, 1, 1)): (Decimal("12.5"), ""),
    }


def test_xlsx_errors_name_spreadsheet_rows(client, author):
    data = xlsx_bytes([
        ["indicator", "department", "period", "value"],
        ["revenue", "planning", dt.datetime(2025, 1, 1), 1000],
        ["revenue", "planning", dt.datetime(2025, 2, 1), "n/a"],
        ["market_share", "planning", "2025-Q1", 140],
    ])
    client.force_login(author)
    batch = batch_of(upload(client, SimpleUploadedFile("book.xlsx", data)))
    assert [(e["row"], e["column"]) for e in batch.errors] == [(3, "value"), (4, "value")]


def test_xlsx_wrong_header(client, author):
    client.force_login(author)
    response = upload(client, SimpleUploadedFile("book.xlsx", xlsx_bytes(
        [["code", "department", "period", "value"], ["revenue", "planning", "2025-01", 1]])))
    assert "missing columns: indicator" in form_errors(response)


def test_files_spooled_to_disk_are_read_too(client, author, settings):
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 0  # every upload becomes a temporary file
    client.force_login(author)
    assert batch_of(upload(client, csv_file(CLEAN))).errors == []
    book = xlsx_bytes([["indicator", "department", "period", "value"],
                       ["revenue", "planning", "2025-03", 5]])
    assert batch_of(upload(client, SimpleUploadedFile("b.xlsx", book))).errors == []


# --- who may see and confirm ------------------------------------------------------------------

def test_another_person_cannot_see_or_confirm_the_batch(client, author, planning_manager):
    client.force_login(author)
    batch = batch_of(upload(client, csv_file(CLEAN)))
    client.force_login(planning_manager)
    for name, method in (("kpis:upload-preview", "get"), ("kpis:upload-status", "get"),
                         ("kpis:upload-confirm", "post")):
        response = getattr(client, method)(reverse(name, args=[batch.pk]))
        assert response.status_code == 404, name
    batch.refresh_from_db()
    assert batch.state == ImportBatch.State.PREVIEW
    assert not Measurement.objects.exists()


def test_signed_out_visitors_are_sent_to_sign_in(client):
    response = client.get(reverse("kpis:upload"))
    assert response.status_code == 302 and reverse("login") in response.url
    response = client.post(reverse("kpis:upload"), {"file": csv_file(CLEAN)})
    assert response.status_code == 302 and not ImportBatch.objects.exists()


def test_the_upload_form_is_protected_against_cross_site_posts(author):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(author)
    assert client.post(reverse("kpis:upload"), {"file": csv_file(CLEAN)}).status_code == 403
    assert client.post(reverse("kpis:upload-confirm", args=[uuid.uuid4()])).status_code == 403
    assert not ImportBatch.objects.exists()


def test_confirming_twice_is_refused(client, author):
    client.force_login(author)
    batch = batch_of(upload(client, csv_file(CLEAN)))
    assert client.post(reverse("kpis:upload-confirm", args=[batch.pk])).status_code == 302
    again = client.post(reverse("kpis:upload-confirm", args=[batch.pk]))
    assert again.status_code == 409
    assert Measurement.objects.count() == 3
    assert client.get(reverse("kpis:upload-confirm", args=[batch.pk])).status_code == 405


def test_a_batch_that_became_invalid_is_not_stored(client, author):
    """The task checks again on confirmation (the catalog may have changed meanwhile)."""
    from kpis.models import Indicator

    client.force_login(author)
    batch = batch_of(upload(client, csv_file(CLEAN)))
    Indicator.objects.filter(code="cost").update(is_active=False)
    response = client.post(reverse("kpis:upload-confirm", args=[batch.pk]), follow=True)
    batch.refresh_from_db()
    assert batch.state == ImportBatch.State.FAILED
    assert not Measurement.objects.exists()
    html = response.content.decode()
    assert "nothing was stored" in html
    assert re.search(r"<td>4</td><td><code>indicator</code></td>", html)  # spreadsheet row


# --- large batches: background task and progress ---------------------------------------------

def test_a_large_batch_is_stored_by_the_task_and_polled(client, author, monkeypatch):
    monkeypatch.setattr(upload_views, "SYNC_LIMIT", 2)
    # Tests run tasks eagerly, without a result backend: the queued task is still pending.
    monkeypatch.setattr(upload_views, "_task_progress", lambda task_id: ("PENDING", None))
    client.force_login(author)
    batch = batch_of(upload(client, csv_file(CLEAN)))
    with mock.patch.object(upload_views.store_import_batch, "apply_async") as queued:
        client.post(reverse("kpis:upload-confirm", args=[batch.pk]))
    batch.refresh_from_db()
    assert batch.state == ImportBatch.State.STORING and batch.task_id
    queued.assert_called_once_with(args=[str(batch.pk)], task_id=batch.task_id)

    page = client.get(reverse("kpis:upload-preview", args=[batch.pk])).content.decode()
    assert f'hx-get="{reverse("kpis:upload-status", args=[batch.pk])}"' in page
    assert 'hx-trigger="every 1s"' in page
    with mock.patch.object(upload_views, "_task_progress",
                           return_value=("PROGRESS", {"done": 1, "total": 3})):
        status = client.get(reverse("kpis:upload-status", args=[batch.pk]))
    assert status.status_code == 200
    assert '<progress id="import-progress" max="3" value="1">' in status.content.decode()

    upload_views.store_import_batch.apply(args=[str(batch.pk)])  # the worker's part
    status = client.get(reverse("kpis:upload-status", args=[batch.pk]))
    assert status.status_code == 286  # htmx stops polling
    assert "Stored: 3 new" in status.content.decode()
    assert Measurement.objects.count() == 3


def test_a_crashed_task_marks_the_batch_failed(client, author, monkeypatch):
    monkeypatch.setattr(upload_views, "SYNC_LIMIT", 2)
    client.force_login(author)
    batch = batch_of(upload(client, csv_file(CLEAN)))
    with mock.patch.object(upload_views.store_import_batch, "apply_async"):
        client.post(reverse("kpis:upload-confirm", args=[batch.pk]))
    with mock.patch.object(upload_views, "_task_progress", return_value=("FAILURE", None)):
        status = client.get(reverse("kpis:upload-status", args=[batch.pk]))
    assert status.status_code == 286
    assert "nothing was stored" in status.content.decode()
    batch.refresh_from_db()
    assert batch.state == ImportBatch.State.FAILED


def test_an_unreachable_broker_gives_the_batch_back(client, author, monkeypatch):
    monkeypatch.setattr(upload_views, "SYNC_LIMIT", 2)
    client.force_login(author)
    batch = batch_of(upload(client, csv_file(CLEAN)))
    with mock.patch.object(upload_views.store_import_batch, "apply_async",
                           side_effect=OSError("no broker")):
        response = client.post(reverse("kpis:upload-confirm", args=[batch.pk]), follow=True)
    assert "cannot be reached" in response.content.decode()
    batch.refresh_from_db()
    assert batch.state == ImportBatch.State.PREVIEW and batch.task_id == ""


# --- pages ------------------------------------------------------------------------------------

def test_pages_render_without_inline_scripts_or_styles(client, author):
    client.force_login(author)
    batch = batch_of(upload(client, csv_file(CLEAN)))
    for url in (reverse("kpis:upload"), reverse("kpis:upload-preview", args=[batch.pk])):
        html = client.get(url).content.decode()
        assert " style=" not in html
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), url
        assert "<caption" in html


def test_many_errors_are_paginated(client, author):
    client.force_login(author)
    lines = "".join(f"revenue,planning,2025-01-{day:02d},x,,\n" for day in range(1, 29)) * 30
    batch = batch_of(upload(client, csv_file(HEADER + lines)))
    assert len(batch.errors) > upload_views.ERRORS_PER_PAGE
    page = client.get(reverse("kpis:upload-preview", args=[batch.pk]), {"page": 2})
    assert page.context["errors_page"].number == 2
    assert page.context["error_count"] == len(batch.errors)


def test_template_download_has_the_header_row(client, author):
    client.force_login(author)
    response = client.get(reverse("kpis:upload-template"))
    assert response["Content-Type"].startswith("text/csv")
    assert response.content.decode("utf-8-sig").strip() == HEADER.strip()
