"""Dashboard panels are cached per person, language and scope, and refresh on every recorded
change (and rollup run), never showing data older than the last audited write."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from opsplan import audit, dashboards
from opsplan.dashboards import Panel

pytestmark = pytest.mark.django_db(transaction=True)

calls = []


def _counting(request, scope):
    from committee.models import Department

    calls.append(request.user.username)
    count = Department.objects.count()
    return {"departments": count, "facts": [{"label": "Departments", "value": count}]}


@pytest.fixture
def counting_panel(settings):
    settings.OPSPLAN_DASHBOARD_CACHE_SECONDS = 60
    cache.clear()
    calls.clear()
    panel = dashboards.register(Panel(dashboard="committee", key="zz-counting",
                                      title="Counting", template="includes/panel_facts.html",
                                      data=_counting, order=999))
    yield panel
    dashboards._panels.pop(("committee", "zz-counting"))
    cache.clear()


def _data(api, user):
    panels = api.as_(user).get("/api/v1/me/dashboards/committee/").json()["panels"]
    return next(p["data"] for p in panels if p["key"] == "zz-counting")


def test_a_panel_is_computed_once_then_served_from_the_cache(api, counting_panel, chair):
    first = _data(api, chair)
    with CaptureQueriesContext(connection) as later:
        again = _data(api, chair)
    assert first == again and calls == ["chair"]
    assert not any("committee_department" in q["sql"] and "COUNT" in q["sql"]
                   for q in later.captured_queries)


def test_each_person_has_their_own_panel_data(api, counting_panel, chair, committee_member):
    _data(api, chair)
    _data(api, committee_member)
    assert calls == ["chair", "member"]


def test_a_recorded_change_refreshes_the_panels(api, counting_panel, chair, sales):
    from committee.models import Department

    assert _data(api, chair)["departments"] == 1
    # written behind every service's back (no audit, no signal): the cache still answers
    Department.objects.bulk_create([Department(code="north", name="North")])
    assert _data(api, chair)["departments"] == 1
    audit.record(actor=chair, action="committee.department.create", subject=sales)
    assert _data(api, chair)["departments"] == 2
    assert calls == ["chair", "chair"]


def test_an_organisation_change_refreshes_the_panels(api, counting_panel, chair):
    from tests.factories import DepartmentFactory

    before = _data(api, chair)["departments"]
    DepartmentFactory(code="north", name="North")  # people, units, positions, seats
    assert _data(api, chair)["departments"] == before + 1


def test_sign_ins_do_not_refresh_the_panels(client, api, counting_panel, chair):
    _data(api, chair)
    client.force_login(chair)
    audit.record(actor=chair, action="auth.login", subject=chair)
    _data(api, chair)
    assert calls == ["chair"]


def test_a_rollup_run_refreshes_the_panels(api, counting_panel, chair):
    from kpis import rollups

    _data(api, chair)
    rollups.compute(pairs=None)
    _data(api, chair)
    assert calls == ["chair", "chair"]


def test_no_cache_when_the_time_to_live_is_zero(api, counting_panel, chair, settings):
    settings.OPSPLAN_DASHBOARD_CACHE_SECONDS = 0
    _data(api, chair)
    _data(api, chair)
    assert calls == ["chair", "chair"]


def test_the_page_serves_rendered_panels_from_the_cache_until_a_change(client, counting_panel,
                                                                      chair, sales):
    client.force_login(chair)
    first = client.get("/dashboards/committee/").content.decode()
    assert "<dt>Departments</dt><dd>1</dd>" in first
    client.get("/dashboards/committee/")
    assert calls == ["chair"]
    audit.record(actor=chair, action="committee.department.change", subject=sales)
    client.get("/dashboards/committee/")
    assert calls == ["chair", "chair"]


class _Rendered:
    """Counts renderings of the panel template and of the whole page."""

    def __init__(self):
        self.names = []

    def __enter__(self):
        from django.test.signals import template_rendered

        template_rendered.connect(self.seen)
        return self

    def __exit__(self, *exc):
        from django.test.signals import template_rendered

        template_rendered.disconnect(self.seen)

    def seen(self, sender, template, context, **kwargs):
        self.names.append(template.name)

    def count(self, name):
        return self.names.count(name)


def _tokens(html):
    import re

    return set(re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
               + re.findall(r'"X-CSRFToken": "([^"]+)"', html))


def _secret_of(token):
    from django.middleware.csrf import _unmask_cipher_token

    return _unmask_cipher_token(token)


def test_the_whole_page_is_served_from_the_cache_until_a_change(client, counting_panel, chair,
                                                                  sales):
    client.force_login(chair)
    with _Rendered() as rendered:
        first = client.get("/dashboards/committee/")
        again = client.get("/dashboards/committee/")
    assert first.status_code == again.status_code == 200
    assert rendered.count("dashboard.html") == 1 and rendered.count("base.html") == 1
    strip = lambda html: html.replace(next(iter(_tokens(html))), "")  # noqa: E731
    assert "<dt>Departments</dt><dd>1</dd>" in again.content.decode()
    audit.record(actor=chair, action="committee.department.change", subject=sales)
    with _Rendered() as rendered:
        client.get("/dashboards/committee/")
    assert rendered.count("dashboard.html") == 1 and calls == ["chair", "chair"]
    assert strip(first.content.decode()).count("csrfmiddlewaretoken") == \
        strip(again.content.decode()).count("csrfmiddlewaretoken")


def test_a_cached_page_carries_fresh_tokens_of_the_requesters_csrf_secret(counting_panel,
                                                                            chair):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(chair)
    first = client.get("/dashboards/committee/").content.decode()
    second = client.get("/dashboards/committee/").content.decode()
    secret = client.cookies["csrftoken"].value
    assert _tokens(first) and _tokens(second) and not _tokens(first) & _tokens(second)
    assert {_secret_of(t) for t in _tokens(second)} == {secret}  # masked anew, same secret
    client.cookies.pop("csrftoken")  # a new secret (e.g. a new browser session)
    with _Rendered() as rendered:
        third = client.get("/dashboards/committee/").content.decode()
    assert rendered.count("dashboard.html") == 0  # still the cached page ...
    new_secret = client.cookies["csrftoken"].value
    assert new_secret != secret
    assert {_secret_of(t) for t in _tokens(third)} == {new_secret}  # ... with the new tokens
    token = next(iter(_tokens(third)))
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/",
                                              "csrfmiddlewaretoken": token})
    assert response.status_code == 302  # the token from the cached page is accepted


def test_a_cached_page_carries_this_requests_csp_nonce(client, counting_panel, chair):
    import re

    client.force_login(chair)
    nonces = []
    for _ in range(2):
        response = client.get("/dashboards/committee/")
        in_page = set(re.findall(r'nonce="([^"]+)"', response.content.decode()))
        in_header = re.findall(r"'nonce-([^']+)'", response.headers["Content-Security-Policy"])
        assert len(in_page) == 1 and in_page == set(in_header)
        nonces.append(in_page.pop())
    assert nonces[0] != nonces[1]


def test_cached_panels_carry_the_requesters_tokens_without_being_rendered_again(
        client, counting_panel, chair):
    from opsplan.notifications import notify

    client.force_login(chair)
    client.get("/dashboards/committee/")
    client.cookies.pop("csrftoken")
    notify([chair], "Something new")  # the top bar changes: the page is built again ...
    with _Rendered() as rendered:
        page = client.get("/dashboards/committee/").content.decode()
    assert rendered.count("dashboard.html") == 1
    assert rendered.count("includes/panel_facts.html") == 0  # ... from the cached panels
    assert {_secret_of(t) for t in _tokens(page)} == {client.cookies["csrftoken"].value}
    assert calls == ["chair"]


def test_a_new_notification_shows_on_the_cached_page(client, counting_panel, chair, settings):
    from opsplan.notifications import notify

    settings.OPSPLAN_UNREAD_CACHE_SECONDS = 300
    client.force_login(chair)
    assert "1 unread" not in client.get("/dashboards/committee/").content.decode()
    notify([chair], "Plan awaiting your vote")
    assert "1 unread" in client.get("/dashboards/committee/").content.decode()


def test_flash_messages_are_shown_once_not_swallowed_by_the_page_cache(client, counting_panel,
                                                                       chair):
    client.force_login(chair)
    client.get("/dashboards/committee/")  # cached now
    saved = client.post("/organisation/me/", {"display_name": "Mei Zhang", "language": "en",
                                              "time_zone": "Asia/Shanghai"})
    assert saved.status_code == 302
    page = client.get("/dashboards/committee/").content.decode()
    assert "Your settings are saved." in page and "Mei Zhang" in page
    assert "Your settings are saved." not in client.get("/dashboards/committee/").content.decode()


def test_the_permission_is_checked_before_the_cache(client, counting_panel, chair):
    from committee.models import CommitteeSeat

    client.force_login(chair)
    assert client.get("/dashboards/committee/").status_code == 200
    CommitteeSeat.objects.filter(user=chair).delete()
    assert client.get("/dashboards/committee/").status_code == 403


def test_a_renamed_person_sees_the_new_name_on_the_cached_page(client, counting_panel, chair):
    client.force_login(chair)
    client.get("/dashboards/committee/")
    chair.display_name = "Mei Zhang"
    chair.save()  # as the admin or a shell would: no audit event, the signal still refreshes
    assert "Mei Zhang" in client.get("/dashboards/committee/").content.decode()


def test_each_language_has_its_own_cached_page(client, counting_panel, chair):
    client.force_login(chair)
    english = client.get("/dashboards/committee/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    chair.language = "zh-hans"
    chair.save()
    chinese = client.get("/dashboards/committee/").content.decode()
    assert 'lang="en"' in english and 'lang="zh-hans"' in chinese


def test_only_reads_are_served_from_the_page_cache(client, counting_panel, chair):
    client.force_login(chair)
    client.get("/dashboards/committee/")
    with _Rendered() as rendered:
        client.head("/dashboards/committee/")
        client.post("/dashboards/committee/")
    assert rendered.count("dashboard.html") == 1  # the HEAD was cached, the POST rendered
