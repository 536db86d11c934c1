"""The auditor's view of the audit trail (/audit/, its exports and /api/v1/audit/events/):
filters that answer the same on the page, in the exports and in the API; bad dates refused
naming the field; auditors only; a fixed number of queries whatever the number of events."""

import csv
import datetime as dt
import io
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from opsplan.audit import record
from opsplan.models import AuditEvent
from tests.plans import builders

pytestmark = pytest.mark.django_db


def _at(day: dt.date, hour=10):
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def _recorded_on(day, **kwargs):
    """An audit event as if it had been written on ``day`` (created_at is set on insert)."""
    with mock.patch("django.utils.timezone.now", return_value=_at(day)):
        return record(**kwargs)


@pytest.fixture
def trail(author, chair, committee_member):
    plan = builders.new_plan(author, title="Northern expansion")  # plans.plan.create, today
    old = _recorded_on(dt.date(2026, 3, 2), actor=chair, action="committee.vote.cast",
                       subject=plan, data={"choice": "approve"})
    mid = _recorded_on(dt.date(2026, 3, 10), actor=committee_member,
                       action="committee.vote.change", subject=plan,
                       data={"choice": "reject"})
    late = _recorded_on(dt.date(2026, 4, 20), actor=chair, action="committee.decision.close",
                        subject=plan, data={"outcome": "approved"})
    formula = _recorded_on(dt.date(2026, 4, 21), actor=author, action="plans.plan.update",
                           subject=plan, data={"summary": "=HYPERLINK(1)"})
    return {"plan": plan, "old": old, "mid": mid, "late": late, "formula": formula}


def _page_ids(response):
    return [event.pk for event, _kind in response.context["rows"]]


def test_an_auditor_sees_the_whole_trail_newest_first(client, auditor, trail):
    client.force_login(auditor)
    response = client.get("/audit/")
    assert response.status_code == 200
    ids = _page_ids(response)
    assert len(ids) == AuditEvent.objects.count()  # the sign-in too
    created = AuditEvent.objects.get(action="plans.plan.create")
    assert ids.index(created.pk) < ids.index(trail["formula"].pk)
    assert ids[-4:] == [trail["formula"].pk, trail["late"].pk, trail["mid"].pk,
                        trail["old"].pk]
    page = response.content.decode()
    assert "committee.vote.cast" in page and "Northern expansion" in page


def test_filters_by_action_prefix_and_date_range(client, auditor, trail):
    client.force_login(auditor)
    response = client.get("/audit/", {"action": "committee.vote", "since": "2026-03-01",
                                      "until": "2026-03-31"})
    assert response.status_code == 200
    assert _page_ids(response) == [trail["mid"].pk, trail["old"].pk]
    response = client.get("/audit/", {"action": "committee."})
    assert _page_ids(response) == [trail["late"].pk, trail["mid"].pk, trail["old"].pk]
    # an action is matched whole, not as any text that starts the same
    assert _page_ids(client.get("/audit/", {"action": "committee.vot"})) == []


def test_filters_by_actor_subject_type_and_subject_text(client, auditor, chair, trail):
    client.force_login(auditor)
    assert _page_ids(client.get("/audit/", {"actor": chair.username})) == [
        trail["late"].pk, trail["old"].pk]
    by_type = _page_ids(client.get("/audit/", {"subject_type": "plans.plan",
                                               "subject": "northern"}))
    assert trail["old"].pk in by_type and len(by_type) == 5
    assert _page_ids(client.get("/audit/", {"subject": "southern"})) == []
    assert "No event matches these filters" in client.get(
        "/audit/", {"subject": "southern"}).content.decode()


@pytest.mark.parametrize(("query", "field"), [
    ({"since": "2026-02-30"}, "since"),
    ({"until": "yesterday"}, "until"),
    ({"since": "2026-04-01", "until": "2026-03-01"}, "until"),
    ({"since": "0001-01-01"}, "since"),
    ({"subject_type": "nowhere.nothing"}, "subject_type"),
])
def test_bad_filters_are_form_errors_naming_the_field(client, api, auditor, trail, query,
                                                      field):
    client.force_login(auditor)
    response = client.get("/audit/", query)
    assert response.status_code == 400
    assert response.context["filter_form"].errors[field]
    api_response = api.as_(auditor).get("/api/v1/audit/events/", query)
    assert api_response.status_code == 400
    assert field in api_response.json()["errors"]


def test_csv_export_holds_the_filtered_rows(client, auditor, trail):
    client.force_login(auditor)
    response = client.get("/audit/export/csv/", {"action": "committee.vote"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:3] == ["When", "Who", "Action taken"]
    assert [row[2] for row in rows[1:]] == ["committee.vote.change", "committee.vote.cast"]
    assert rows[2][1] == "chair" and '"choice": "approve"' in rows[2][6]


def test_excel_export_holds_the_filtered_rows_and_defuses_formulas(client, auditor, trail):
    client.force_login(auditor)
    response = client.get("/audit/export/xlsx/", {"since": "2026-04-01",
                                                   "until": "2026-04-30"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("When", "Who", "Action taken")
    assert [row[2] for row in rows[1:]] == ["plans.plan.update", "committee.decision.close"]
    assert rows[1][0] == dt.datetime(2026, 4, 21, 10, 0)
    assert rows[1][6].startswith("{")  # the JSON details; a leading "=" would be quoted
    assert response["Content-Disposition"].endswith('.xlsx"')


def test_export_with_bad_dates_is_the_page_with_the_error(client, auditor, trail):
    client.force_login(auditor)
    response = client.get("/audit/export/csv/", {"since": "31/12/2026"})
    assert response.status_code == 400
    assert response.context["filter_form"].errors["since"]


def test_unknown_export_format_is_404(client, auditor):
    client.force_login(auditor)
    assert client.get("/audit/export/pdf/").status_code == 404


@pytest.mark.parametrize("url", ["/audit/", "/audit/export/csv/", "/audit/export/xlsx/"])
def test_a_unit_head_is_refused_the_pages(client, unit_head, url):
    client.force_login(unit_head)
    assert client.get(url).status_code == 403


def test_a_unit_head_is_refused_the_api(api, unit_head, trail):
    api.as_(unit_head)
    assert api.get("/api/v1/audit/events/").status_code == 403
    assert api.get(f"/api/v1/audit/events/{trail['old'].pk}/").status_code == 403


def test_superuser_may_read_the_trail(client, trail):
    from tests.factories import UserFactory

    admin = UserFactory(is_superuser=True, is_staff=True)
    client.force_login(admin)
    assert client.get("/audit/").status_code == 200


def test_the_api_lists_and_retrieves_with_the_same_filters(api, auditor, trail):
    api.as_(auditor)
    body = api.get("/api/v1/audit/events/", {"action": "committee.vote"}).json()
    assert [row["id"] for row in body["results"]] == [trail["mid"].pk, trail["old"].pk]
    row = body["results"][1]
    assert row["action"] == "committee.vote.cast" and row["subject_type"] == "plans.plan"
    assert row["data"] == {"choice": "approve"} and row["actor_label"] == "chair"
    one = api.get(f"/api/v1/audit/events/{trail['late'].pk}/").json()
    assert one["action"] == "committee.decision.close"


def test_the_api_is_read_only(api, auditor, trail):
    api.as_(auditor)
    before = AuditEvent.objects.count()
    assert api.post("/api/v1/audit/events/", {"action": "x"}).status_code in (403, 405)
    assert api.delete(f"/api/v1/audit/events/{trail['old'].pk}/").status_code in (403, 405)
    assert AuditEvent.objects.filter(action="x").count() == 0
    assert AuditEvent.objects.exclude(action="auth.denied").count() == before


def test_the_nav_offers_the_trail_to_auditors_only(client, auditor, unit_head):
    client.force_login(auditor)
    assert 'href="/audit/"' in client.get("/search/").content.decode()
    client.force_login(unit_head)
    assert 'href="/audit/"' not in client.get("/search/").content.decode()


def _count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_the_list_uses_a_fixed_number_of_queries(client, api, auditor, chair, author):
    plan = builders.new_plan(author, title="Query plan")
    for _ in range(3):
        record(actor=chair, action="committee.vote.cast", subject=plan)
    client.force_login(auditor)
    api.as_(auditor)
    _count(api, "/api/v1/audit/events/")  # the same user object: its roles are cached after
    small = (_count(client, "/audit/"), _count(api, "/api/v1/audit/events/"))
    for i in range(60):
        record(actor=author if i % 2 else chair, action="plans.plan.update", subject=plan,
               data={"i": i})
    large = (_count(client, "/audit/"), _count(api, "/api/v1/audit/events/"))
    assert small == large


def test_every_audit_action_in_the_code_has_a_translated_label():
    """A new action code without its record or verb in opsplan/audit_labels.py fails here."""
    import re
    from pathlib import Path

    from opsplan.audit_labels import RECORDS, VERBS

    root = Path(__file__).resolve().parents[2]
    codes = set()
    for app in ("committee", "plans", "meetings", "risks", "costs", "kpis", "opsplan"):
        for source in (root / app).rglob("*.py"):
            codes |= set(re.findall(r'action=f?"([a-z_]+\.[a-z_.]+)"', source.read_text()))
    assert len(codes) > 80
    codes = {code for code in codes if not code.endswith(".")}  # "…stakeholder." + verb
    missing = sorted(code for code in codes if code.count(".") == 2 and (
        ".".join(code.split(".")[:2]) not in RECORDS or code.split(".")[2] not in VERBS))
    missing += sorted(code for code in codes if code.startswith("auth.")
                      and code.split(".")[1] not in VERBS)
    assert missing == []


def test_the_trail_reads_actions_and_actors_as_words_of_the_readers_language(client, auditor,
                                                                           chair):
    from django.utils import translation

    from opsplan.audit import record

    record(actor=chair, action="committee.vote.cast", subject=chair)
    record(actor=None, actor_label="system", action="plans.deviation.create", subject=chair)
    client.force_login(auditor)
    page = client.get("/audit/").content.decode()
    assert "Vote: cast" in page and "Deviation: created" in page and "the system" in page
    assert "<code class=\"meta\">committee.vote.cast</code>" in page  # the code stays visible
    with translation.override("zh-hans"):
        from opsplan.audit_labels import action_label, actor_label

        chinese = str(action_label("committee.vote.cast"))
        system = str(actor_label("system"))
    auditor.language = "zh-hans"
    auditor.save()
    page = client.get("/audit/").content.decode()
    assert chinese != "Vote: cast" and chinese in page and system in page
