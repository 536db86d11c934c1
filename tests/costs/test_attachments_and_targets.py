"""Vouchers of actuals through the API (same checks and read rule as the page, files served only
through the checked views) and editable cost targets (page and API, validated, audited)."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from costs import services
from costs.models import CostEntry, CostTarget
from opsplan.models import AuditEvent
from tests.costs import builders

pytestmark = pytest.mark.django_db
BASE = "/api/v1/costs"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def entry(running_plan, unit_head, sales):
    entry, _outcome = builders.spend(running_plan, unit_head, sales, "50.00", reference="INV-9")
    return entry


def _upload(name, content=b"voucher", content_type="text/plain"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def _raw_multipart(filename: bytes, content: bytes = b"voucher"):
    boundary = "BoUnDaRyh6"
    body = (f"--{boundary}\r\n".encode()
            + b'Content-Disposition: form-data; name="file"; filename="' + filename + b'"\r\n'
            + b"Content-Type: text/plain\r\n\r\n" + content + b"\r\n"
            + f"--{boundary}--\r\n".encode())
    return body, f"multipart/form-data; boundary={boundary}"


# --- attachments ---------------------------------------------------------------------------

def test_upload_list_and_download_a_voucher_through_the_api(api, entry, unit_head):
    url = f"{BASE}/entries/{entry.pk}/attachment/"
    assert api.as_(unit_head).get(url).status_code == 404  # none yet
    response = api.post(url, {"file": _upload("发票 INV-9.pdf", b"%PDF-1.4 x")},
                        format="multipart")
    assert response.status_code == 200, response.json()
    attachment = response.json()["attachment"]
    assert attachment["name"] == "发票_INV-9.pdf"  # the storage's safe name
    assert attachment["url"].endswith(url)
    listed = api.get(f"{BASE}/entries/", {"has_attachment": "true"}).json()["results"]
    assert [e["id"] for e in listed] == [entry.pk]
    assert api.get(f"{BASE}/entries/", {"has_attachment": "false"}).json()["count"] == 0
    download = api.get(url)
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"%PDF-1.4 x"
    assert download["Content-Disposition"].startswith("attachment;")
    assert "costs.entry.attach" in AuditEvent.objects.values_list("action", flat=True)


@pytest.mark.parametrize(("name", "content", "reason"), [
    ("empty.txt", b"", "empty"),
    ("virus.exe", b"MZ", "types"),
    ("noextension", b"x", "types"),
])
def test_bad_files_are_a_400_naming_the_field(api, entry, unit_head, name, content, reason):
    response = api.as_(unit_head).post(f"{BASE}/entries/{entry.pk}/attachment/",
                                       {"file": _upload(name, content)}, format="multipart")
    assert response.status_code == 400
    assert reason in " ".join(response.json()["errors"]["file"])
    assert not CostEntry.objects.get(pk=entry.pk).attachment


def test_an_oversize_file_is_a_400(api, entry, unit_head, monkeypatch):
    monkeypatch.setattr(services, "MAX_ATTACHMENT_BYTES", 10)
    response = api.as_(unit_head).post(f"{BASE}/entries/{entry.pk}/attachment/",
                                       {"file": _upload("big.txt", b"x" * 11)},
                                       format="multipart")
    assert response.status_code == 400
    assert "10 MB" in response.json()["errors"]["file"][0]


def test_a_non_utf8_file_name_is_a_400(api, entry, unit_head):
    body, content_type = _raw_multipart(b"r\xe9sum\xe9\xff.txt")
    api.as_(unit_head)
    response = api.generic("POST", f"{BASE}/entries/{entry.pk}/attachment/", body,
                           content_type=content_type)
    assert response.status_code == 400
    assert "file" in response.json()["errors"]


def test_no_file_is_a_400_naming_it(api, entry, unit_head):
    response = api.as_(unit_head).post(f"{BASE}/entries/{entry.pk}/attachment/", {},
                                       format="multipart")
    assert response.status_code == 400 and "file" in response.json()["errors"]


def test_the_read_rule_is_the_page_s(api, client, entry, unit_head, auditor, outsider):
    services.entry_attach(entry=entry, actor=unit_head, file=_upload("inv.txt"))
    api_url = f"{BASE}/entries/{entry.pk}/attachment/"
    page_url = reverse("costs:entry-attachment", args=[entry.pk])
    # the auditor reads (page and API alike) but records nothing
    assert api.as_(auditor).get(api_url).status_code == 200
    client.force_login(auditor)
    assert client.get(page_url).status_code == 200
    assert api.post(api_url, {"file": _upload("x.txt")}, format="multipart").status_code == 403
    # someone who cannot see the plan does not learn the entry exists
    assert api.as_(outsider).get(api_url).status_code == 404
    client.force_login(outsider)
    assert client.get(page_url).status_code == 404


def test_the_plan_page_links_the_checked_view_not_media(client, entry, unit_head, running_plan):
    services.entry_attach(entry=entry, actor=unit_head, file=_upload("inv.txt"))
    client.force_login(unit_head)
    page = client.get(reverse("costs:plan", args=[running_plan.pk])).content.decode()
    assert reverse("costs:entry-attachment", args=[entry.pk]) in page
    assert "/media/" not in page


def test_the_page_form_applies_the_same_checks(client, running_plan, unit_head, sales):
    client.force_login(unit_head)
    url = reverse("costs:entry-add", args=[running_plan.pk])
    data = {"kind": "actual", "category": "marketing", "department": sales.pk,
            "incurred_on": "2027-03-01", "amount": "10.00"}
    response = client.post(url, {**data, "attachment": _upload("empty.txt", b"")})
    assert response.status_code == 400
    assert "attachment" in response.context["form"].errors
    response = client.post(url, {**data, "attachment": _upload("tool.exe", b"MZ")})
    assert response.status_code == 400
    assert "attachment" in response.context["form"].errors
    assert not CostEntry.objects.exists()
    response = client.post(url, {**data, "attachment": _upload("ok.csv", b"a,b\n")})
    assert response.status_code == 302
    assert CostEntry.objects.get().attachment_filename == "ok.csv"


# --- cost targets --------------------------------------------------------------------------

@pytest.fixture
def target(running_plan, author, sales, unit_head):
    return services.target_save(plan=running_plan, actor=author, department=sales,
                                position="head", owner=unit_head, category="marketing",
                                amount=Decimal("1000.00"))


def test_a_target_is_edited_on_its_page_and_audited(client, target, author, sales, unit_staff,
                                                    running_plan):
    client.force_login(author)
    url = reverse("costs:target-edit", args=[target.pk])
    form = client.get(url)
    assert form.status_code == 200 and "1000.00" in form.content.decode()
    plan_page = client.get(reverse("costs:plan", args=[running_plan.pk])).content.decode()
    assert url in plan_page
    response = client.post(url, {"department": sales.pk, "position": "staff",
                                 "owner": unit_staff.pk, "category": "marketing",
                                 "amount": "800.00"})
    assert response.status_code == 302
    target.refresh_from_db()
    assert (target.position, target.owner_id, target.amount) == ("staff", unit_staff.pk,
                                                                 Decimal("800.00"))
    event = AuditEvent.objects.filter(action="costs.target.change").get()
    assert event.data["amount"] == ["1000.00", "800.00"]
    assert event.data["position"] == ["head", "staff"]


def test_target_edits_are_validated_with_the_field_named(client, target, author, sales,
                                                        reviewer):
    client.force_login(author)
    url = reverse("costs:target-edit", args=[target.pk])
    # the owner must hold the position in the department
    response = client.post(url, {"department": sales.pk, "position": "head",
                                 "owner": reviewer.pk, "category": "marketing",
                                 "amount": "800.00"})
    assert response.status_code == 400
    assert "owner" in response.context["form"].errors
    response = client.post(url, {"department": sales.pk, "position": "head",
                                 "owner": target.owner_id, "category": "marketing",
                                 "amount": "-1"})
    assert response.status_code == 400
    assert "amount" in response.context["form"].errors
    target.refresh_from_db()
    assert target.amount == Decimal("1000.00")


def test_only_who_may_assign_may_edit(client, api, target, unit_staff):
    client.force_login(unit_staff)
    assert client.get(reverse("costs:target-edit", args=[target.pk])).status_code == 403
    assert api.as_(unit_staff).patch(f"{BASE}/targets/{target.pk}/", {"amount": "1.00"},
                                     format="json").status_code == 403
    target.refresh_from_db()
    assert target.amount == Decimal("1000.00")


def test_targets_are_edited_through_the_api(api, target, author, sales, unit_staff):
    url = f"{BASE}/targets/{target.pk}/"
    response = api.as_(author).patch(url, {"amount": "900.00"}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["amount"] == "900.00"
    response = api.put(url, {"department": sales.pk, "position": "staff",
                             "owner": unit_staff.pk, "category": "", "amount": "700.00"},
                       format="json")
    assert response.status_code == 200, response.json()
    target.refresh_from_db()
    assert (target.category, target.amount, target.owner_id) == ("", Decimal("700.00"),
                                                                 unit_staff.pk)
    bad = api.patch(url, {"owner": 999999, "amount": "-5"}, format="json")
    assert bad.status_code == 400
    assert {"owner", "amount"} <= set(bad.json()["errors"])
    assert AuditEvent.objects.filter(action="costs.target.change").count() == 2


def test_an_unchanged_target_is_not_audited_again(api, target, author):
    api.as_(author).patch(f"{BASE}/targets/{target.pk}/", {"amount": "1000.00"},
                          format="json")
    assert not AuditEvent.objects.filter(action="costs.target.change").exists()
    assert CostTarget.objects.get(pk=target.pk).amount == Decimal("1000.00")
