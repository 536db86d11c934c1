"""Communication (§4.6): cross-department coordination issues with an owner and a resolution;
the external communication plan with a contact log and overdue-contact reminders."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from meetings import services, tasks
from meetings.models import ContactReminder, Stakeholder
from opsplan.errors import Conflict
from opsplan.models import Notification

pytestmark = pytest.mark.django_db


def test_a_unit_raises_an_issue_its_owner_resolves(unit_staff, sales, planning_manager):
    issue = services.issue_raise(actor=unit_staff, title="Stock data arrives late",
                                 raised_by_department=sales, owner=planning_manager)
    assert Notification.objects.filter(recipient=planning_manager,
                                       message__contains="Stock data").exists()
    resolved = services.issue_resolve(issue=issue, actor=planning_manager,
                                      resolution="Nightly export moved to 02:00.")
    assert resolved.state == "resolved" and resolved.resolved_at
    with pytest.raises(Conflict):
        services.issue_resolve(issue=issue, actor=planning_manager, resolution="Again.")


def test_an_issue_is_raised_only_for_ones_own_unit_and_resolved_only_by_those_involved(
        unit_staff, marketing, sales, planning_manager, reviewer, outsider):
    with pytest.raises(ValidationError) as excinfo:
        services.issue_raise(actor=unit_staff, title="x", raised_by_department=marketing,
                             owner=planning_manager)
    assert "raised_by_department" in excinfo.value.message_dict
    with pytest.raises(PermissionDenied):
        services.issue_raise(actor=outsider, title="x", raised_by_department=sales,
                             owner=planning_manager)
    issue = services.issue_raise(actor=unit_staff, title="x", raised_by_department=sales,
                                 owner=planning_manager)
    with pytest.raises(PermissionDenied):
        services.issue_resolve(issue=issue, actor=reviewer, resolution="Not mine.")


def test_contacts_move_the_next_due_date_and_overdue_contacts_are_reminded_once(
        planning_manager, unit_head):
    supplier = services.stakeholder_save(actor=planning_manager, name="Acme Steel",
                                         kind="supplier", channel="visit", every_days=30,
                                         owner=unit_head)
    today = timezone.localdate()
    services.contact_log(stakeholder=supplier, actor=unit_head,
                         on=today - dt.timedelta(days=40), channel="visit",
                         summary="Price review.")
    supplier.refresh_from_db()
    assert supplier.next_due == today - dt.timedelta(days=10) and supplier.overdue
    assert tasks.remind_overdue_contacts.apply().get() == 1
    assert tasks.remind_overdue_contacts.apply().get() == 0  # once per due date
    assert ContactReminder.objects.count() == 1
    assert Notification.objects.filter(recipient=unit_head,
                                       message__contains="Acme Steel").count() == 1
    services.contact_log(stakeholder=supplier, actor=unit_head, on=today, channel="phone",
                         summary="Call.")
    supplier.refresh_from_db()
    assert not supplier.overdue
    with pytest.raises(ValidationError):
        services.contact_log(stakeholder=supplier, actor=unit_head,
                             on=today + dt.timedelta(days=1), channel="phone", summary="x")


def test_only_the_planning_staff_keep_the_plan_and_owners_log_contacts(author, unit_head,
                                                                       unit_staff):
    with pytest.raises(PermissionDenied):
        services.stakeholder_save(actor=unit_head, name="x", kind="customer",
                                  channel="phone", every_days=7, owner=unit_head)
    customer = services.stakeholder_save(actor=author, name="Big Retail", kind="customer",
                                         channel="meeting", every_days=14, owner=unit_head)
    with pytest.raises(PermissionDenied):
        services.contact_log(stakeholder=customer, actor=unit_staff,
                             on=timezone.localdate(), channel="phone", summary="x")


def test_pages_and_api_for_issues_and_stakeholders(client, api, unit_staff, sales,
                                                   planning_manager, author, unit_head):
    client.force_login(unit_staff)
    response = client.post(reverse("meetings:issue-raise"), {
        "title": "Need the promo calendar", "raised_by_department": sales.pk,
        "owner": planning_manager.pk})
    assert response.status_code == 302
    assert "Need the promo calendar" in client.get(reverse("meetings:issues")).content.decode()
    bad = client.post(reverse("meetings:issue-raise"), {"title": ""})
    assert bad.status_code == 400 and "title" in bad.context["form"].errors

    as_author = api.as_(author)
    created = as_author.post("/api/v1/meetings/stakeholders/", {
        "name": "City trade office", "kind": "government", "channel": "report",
        "every_days": 90, "owner": unit_head.pk}, format="json")
    assert created.status_code == 201, created.json()
    pk = created.json()["id"]
    wrong = as_author.post("/api/v1/meetings/stakeholders/", {
        "name": "x", "kind": "alien", "channel": "report", "every_days": 0,
        "owner": unit_head.pk}, format="json")
    assert wrong.status_code == 400 and {"kind", "every_days"} <= set(wrong.json()["errors"])
    logged = api.as_(unit_head).post(f"/api/v1/meetings/stakeholders/{pk}/contacts/", {
        "on": timezone.localdate().isoformat(), "channel": "report", "summary": "Filed."},
        format="json")
    assert logged.status_code == 201
    refused = api.as_(unit_staff).post(f"/api/v1/meetings/stakeholders/{pk}/contacts/", {
        "on": timezone.localdate().isoformat(), "channel": "report", "summary": "x"},
        format="json")
    assert refused.status_code == 403
    assert Stakeholder.objects.get(pk=pk).last_contact == timezone.localdate()
    issue_id = api.as_(unit_staff).get("/api/v1/meetings/issues/").json()["results"][0]["id"]
    resolved = api.as_(planning_manager).post(f"/api/v1/meetings/issues/{issue_id}/resolve/",
                                              {"resolution": "Sent."}, format="json")
    assert resolved.status_code == 200 and resolved.json()["state"] == "resolved"


def test_a_risk_that_becomes_high_proposes_an_ad_hoc_meeting(
        client, author, sales, planning_manager, chair, django_capture_on_commit_callbacks):
    from urllib.parse import parse_qs, urlsplit

    from tests.risks import builders as risk_builders

    with django_capture_on_commit_callbacks(execute=True):
        risk = risk_builders.assessed(author, sales, likelihood=5, impact=5)
    proposal = Notification.objects.get(recipient=planning_manager,
                                        message__contains="call an ad-hoc meeting")
    assert Notification.objects.filter(recipient=chair,
                                       message__contains="call an ad-hoc meeting").exists()
    url = urlsplit(proposal.url)
    assert url.path == reverse("meetings:create")
    assert parse_qs(url.query)["title"] == [f"Risk: {risk}"]
    client.force_login(planning_manager)
    form = client.get(proposal.url).context["form"]
    assert form.initial["title"] == f"Risk: {risk}" and form.initial["urgency"] == "urgent"
