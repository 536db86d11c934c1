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
    assert _data(api, chair)["departments"] == 1
    from tests.factories import DepartmentFactory

    DepartmentFactory(code="north", name="North")  # not audited: the cache still answers
    assert _data(api, chair)["departments"] == 1
    audit.record(actor=chair, action="committee.department.create", subject=sales)
    assert _data(api, chair)["departments"] == 2
    assert calls == ["chair", "chair"]


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


def test_a_new_csrf_secret_gets_freshly_rendered_panels(client, counting_panel, chair):
    from django.test.signals import template_rendered

    rendered = []

    def seen(sender, template, context, **kwargs):
        if template.name == "includes/panel_facts.html":
            rendered.append(template.name)

    template_rendered.connect(seen)
    try:
        client.force_login(chair)
        client.get("/dashboards/committee/")
        client.get("/dashboards/committee/")
        assert len(rendered) == 1  # the second page used the cached HTML
        client.cookies.pop("csrftoken", None)  # a new secret: forms need tokens of that secret
        client.get("/dashboards/committee/")
    finally:
        template_rendered.disconnect(seen)
    assert calls == ["chair"]  # the data still comes from the cache ...
    assert len(rendered) == 2  # ... but the HTML is rendered again
