"""The idle timeout without a session write on every page, and model permissions for staff."""

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext

pytestmark = pytest.mark.django_db


def _expiry(client):
    return Session.objects.get(session_key=client.session.session_key).expire_date


def test_pages_within_the_refresh_interval_do_not_write_the_session(client, unit_head):
    client.force_login(unit_head)
    client.get("/")  # the first page after sign-in stamps the refresh time
    with CaptureQueriesContext(connection) as seen:
        client.get("/")
    assert not [q for q in seen.captured_queries if q["sql"].startswith("UPDATE")]


def test_the_expiry_moves_forward_once_the_refresh_interval_passed(client, unit_head,
                                                                  settings, monkeypatch):
    import time

    client.force_login(unit_head)
    client.get("/")
    before = _expiry(client)
    later = time.time() + settings.SESSION_REFRESH_SECONDS + 5
    monkeypatch.setattr(time, "time", lambda: later)
    from django.utils import timezone

    real_now = timezone.now
    monkeypatch.setattr(timezone, "now", lambda: real_now() + __import__(
        "datetime").timedelta(seconds=settings.SESSION_REFRESH_SECONDS + 5))
    client.get("/")
    assert _expiry(client) > before


def test_an_anonymous_visit_creates_no_session(client):
    client.get("/accounts/login/")
    assert Session.objects.count() == 0


def test_a_person_without_staff_status_costs_no_model_permission_queries(client, unit_head):
    client.force_login(unit_head)
    with CaptureQueriesContext(connection) as seen:
        client.get("/")
    assert not [q for q in seen.captured_queries if "auth_permission" in q["sql"]]


def test_staff_keep_their_model_permissions_in_the_admin(unit_head):
    from django.contrib.auth.models import Permission

    unit_head.is_staff = True
    unit_head.save()
    unit_head.user_permissions.add(Permission.objects.get(codename="view_group"))
    unit_head = type(unit_head).objects.get(pk=unit_head.pk)
    assert unit_head.has_perm("auth.view_group")
    unit_head.is_staff = False
    unit_head.save()
    unit_head = type(unit_head).objects.get(pk=unit_head.pk)
    assert not unit_head.has_perm("auth.view_group")
