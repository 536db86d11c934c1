"""Sign-in: audited, locked after repeated failures; API tokens for integrations."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from opsplan.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_login_and_logout_are_audited(client, unit_staff, password):
    response = client.post(reverse("login"), {"username": "unit_staff", "password": password})
    assert response.status_code == 302
    client.post(reverse("logout"))
    actions = list(AuditEvent.objects.filter(actor=unit_staff).order_by("pk")
                   .values_list("action", flat=True))
    assert actions == ["auth.login", "auth.logout"]


def test_failed_login_is_audited_with_the_username(client, unit_staff):
    client.post(reverse("login"), {"username": "unit_staff", "password": "wrong"})
    event = AuditEvent.objects.get(action="auth.login_failed")
    assert event.actor is None
    assert event.actor_label == "unit_staff"


def test_repeated_failures_lock_the_account(client, unit_staff, password, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "unit_staff", "password": "wrong"})
    response = client.post(reverse("login"), {"username": "unit_staff", "password": password})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_audit_events_are_append_only(unit_staff, client, password):
    client.post(reverse("login"), {"username": "unit_staff", "password": password})
    event = AuditEvent.objects.get()
    event.action = "tampered"
    with pytest.raises(TypeError):
        event.save()
    with pytest.raises(TypeError):
        event.delete()
    with pytest.raises(TypeError):
        AuditEvent.objects.all().delete()
    with pytest.raises(TypeError):
        AuditEvent.objects.update(action="x")


def test_token_created_by_command_authenticates_the_api(api, integration, capsys):
    integration.auth_token.delete()
    call_command("drf_create_token", "integration")
    token = capsys.readouterr().out.split()[2]
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert api.get("/api/v1/committee/departments/").status_code == 200
    api.credentials(HTTP_AUTHORIZATION="Token not-a-token")
    assert api.get("/api/v1/committee/departments/").status_code == 401


def test_password_change(client, unit_staff, password):
    client.force_login(unit_staff)
    response = client.post(reverse("password_change"), {
        "old_password": password, "new_password1": "a-much-better-one-2026",
        "new_password2": "a-much-better-one-2026",
    })
    assert response.status_code == 302
    unit_staff.refresh_from_db()
    assert unit_staff.check_password("a-much-better-one-2026")


def test_language_choice_is_remembered_on_the_profile(client, unit_staff):
    client.force_login(unit_staff)
    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    unit_staff.refresh_from_db()
    assert unit_staff.language == "zh-hans"
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.wsgi_request.LANGUAGE_CODE == "zh-hans"


def test_unknown_language_is_ignored(client, unit_staff):
    client.force_login(unit_staff)
    client.post(reverse("set_language"), {"language": "xx", "next": "/"})
    unit_staff.refresh_from_db()
    assert unit_staff.language == ""


def test_audit_rows_cannot_be_rewritten_in_the_database(postgres, unit_staff, client,
                                                         password):
    """The PostgreSQL trigger refuses UPDATE and DELETE even from raw SQL."""
    from django.db import DatabaseError, connection, transaction

    client.post(reverse("login"), {"username": "unit_staff", "password": password})
    for sql in ("UPDATE opsplan_auditevent SET action = 'x'", "DELETE FROM opsplan_auditevent"):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), \
                connection.cursor() as cursor:
            cursor.execute(sql)
    assert AuditEvent.objects.filter(action="auth.login").exists()


def test_sessions_expire(settings):
    assert settings.SESSION_COOKIE_AGE == 8 * 3600
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE


def test_refused_authorisations_are_audited(client, api, unit_staff, sales):
    client.force_login(unit_staff)
    assert client.get(reverse("committee:department-create")).status_code == 403
    api.as_(unit_staff)
    assert api.post("/api/v1/committee/departments/", {"code": "x"}).status_code == 403
    denied = AuditEvent.objects.filter(action="auth.denied", actor=unit_staff)
    assert {e.data["interface"] for e in denied} == {"web", "api"}
    assert denied.filter(data__path="/organisation/departments/new/").exists()
