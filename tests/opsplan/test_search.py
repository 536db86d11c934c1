"""Global search (/search/ and /api/v1/search/): matches per kind, only among what the person
may read, a fixed number of queries per provider, and bad queries refused naming ``q``."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kpis.models import Indicator
from meetings import services as meeting_services
from opsplan import search
from plans.choices import PlanLevel
from tests.plans import builders
from tests.risks.builders import new_risk

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(author, planning_department, sales, marketing, unit_head, planning_manager):
    company = builders.new_plan(author, title="Zephyr company growth plan",
                                summary="Grow the Zephyr brand across regions.")
    hidden = builders.new_plan(author, title="Zephyr marketing unit plan", level=PlanLevel.UNIT,
                               department=marketing)
    open_indicator = Indicator.objects.create(
        code="zephyr-sales", name_en="Zephyr sales", name_zh="西风销量", unit="CNY",
        owner_department=sales, visibility="all")
    secret = Indicator.objects.create(
        code="zephyr-secret", name_en="Zephyr margin", name_zh="西风利润", unit="%",
        owner_department=planning_department, visibility="committee")
    risk = new_risk(planning_manager, sales, title="Zephyr distributor leaves")
    starts = timezone.now() + dt.timedelta(days=2)
    meeting = meeting_services.call_adhoc(
        actor=planning_manager, title="Zephyr launch review", subject="Check the launch.",
        urgency="normal", starts_at=starts, ends_at=starts + dt.timedelta(hours=1),
        invitees=[unit_head])
    return {"company": company, "hidden": hidden, "indicator": open_indicator,
            "secret": secret, "risk": risk, "meeting": meeting}


def _titles(kinds, kind):
    for group in kinds:
        if group["kind"] == kind:
            return [hit["title"] for hit in group["results"]]
    raise AssertionError(f"no group {kind}")


def test_the_page_lists_matches_per_kind(client, planning_manager, world):
    client.force_login(planning_manager)
    response = client.get("/search/", {"q": "zephyr"})
    assert response.status_code == 200
    page = response.content.decode()
    for key in ("plans", "indicators", "risks", "meetings"):
        assert f'id="search-{key}"' in page
    assert world["company"].get_absolute_url() in page
    assert world["risk"].get_absolute_url() in page
    assert world["meeting"].get_absolute_url() in page
    assert world["indicator"].get_absolute_url() in page
    assert "Grow the Zephyr brand" in page  # the snippet


def test_a_unit_head_does_not_find_another_units_plan_or_a_secret_indicator(
        api, unit_head, world):
    response = api.as_(unit_head).get("/api/v1/search/", {"q": "zephyr"})
    assert response.status_code == 200
    kinds = response.json()["kinds"]
    assert _titles(kinds, "plans") == ["Zephyr company growth plan"]
    assert [hit["code"] for hit in next(g for g in kinds if g["kind"] == "indicators")[
        "results"]] == ["zephyr-sales"]
    assert _titles(kinds, "meetings") == ["Zephyr launch review"]  # invited


def test_the_page_hides_the_same_records(client, unit_head, world):
    client.force_login(unit_head)
    page = client.get("/search/", {"q": "zephyr"}).content.decode()
    assert world["hidden"].get_absolute_url() not in page
    assert world["secret"].get_absolute_url() not in page
    assert world["company"].get_absolute_url() in page


def test_the_api_twin_answers_the_same_as_the_page(api, planning_manager, world):
    body = api.as_(planning_manager).get("/api/v1/search/", {"q": "ZEPHYR"}).json()
    assert body["q"] == "ZEPHYR"
    assert sorted(_titles(body["kinds"], "plans")) == ["Zephyr company growth plan",
                                                       "Zephyr marketing unit plan"]
    hit = body["kinds"][0]["results"][0]
    assert set(hit) == {"kind", "kind_label", "title", "code", "snippet", "url"}
    assert _titles(body["kinds"], "risks") == ["Zephyr distributor leaves"]


def test_an_indicator_is_found_by_its_code(api, planning_manager, world):
    body = api.as_(planning_manager).get("/api/v1/search/", {"q": "zephyr-sec"}).json()
    group = next(g for g in body["kinds"] if g["kind"] == "indicators")
    assert [hit["code"] for hit in group["results"]] == ["zephyr-secret"]


def test_departments_and_people_are_found(api, unit_head, sales):
    body = api.as_(unit_head).get("/api/v1/search/", {"q": sales.name}).json()
    assert sales.name in _titles(body["kinds"], "departments")
    body = api.as_(unit_head).get("/api/v1/search/", {"q": unit_head.username}).json()
    assert str(unit_head) in _titles(body["kinds"], "people")


def test_an_empty_query_explains_what_can_be_searched(client, unit_head):
    client.force_login(unit_head)
    response = client.get("/search/")
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="search-help"' in page
    assert "plans by title and summary" in page
    assert "indicators by code, name and definition" in page


@pytest.mark.parametrize("url", ["/search/", "/api/v1/search/"])
def test_a_too_long_query_is_refused_naming_q(client, api, unit_head, url):
    if url.startswith("/api/"):
        response = api.as_(unit_head).get(url, {"q": "x" * 201})
        assert response.status_code == 400
        assert "q" in response.json()["errors"]
    else:
        client.force_login(unit_head)
        response = client.get(url, {"q": "x" * 201})
        assert response.status_code == 400
        assert "at most 200 characters" in response.content.decode()


def test_a_nul_character_is_refused_naming_q(api, unit_head):
    response = api.as_(unit_head).get("/api/v1/search/", {"q": "a\x00b"})
    assert response.status_code == 400 and "q" in response.json()["errors"]


def test_signed_out_search_goes_to_the_login_page(client):
    response = client.get("/search/", {"q": "x"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def _queries_per_provider(user):
    counts = {}
    search.discover()
    for provider in search.providers():
        with CaptureQueriesContext(connection) as ctx:
            provider.search(user, "bulk", search.PER_KIND)
        counts[provider.key] = len(ctx.captured_queries)
    return counts


def test_each_provider_uses_a_fixed_number_of_queries(author, planning_manager, sales,
                                                     unit_head):
    def add(n, offset):
        for i in range(n):
            builders.new_plan(author, title=f"Bulk plan {offset + i}")
            Indicator.objects.create(code=f"bulk-{offset + i}", name_en=f"Bulk {i}",
                                     name_zh="批量", unit="x", owner_department=sales)
            new_risk(planning_manager, sales, title=f"Bulk risk {offset + i}")

    add(1, 0)
    small = _queries_per_provider(planning_manager)
    add(14, 100)
    large = _queries_per_provider(planning_manager)
    assert small == large
    assert all(count <= 3 for count in large.values()), large


def test_a_capped_kind_links_to_its_own_list_with_every_match(client, api, author,
                                                              planning_manager, sales):
    for i in range(search.PER_KIND + 2):
        builders.new_plan(author, title=f"Harbour plan {i}")
        Indicator.objects.create(code=f"harbour-{i}", name_en=f"Harbour {i}", name_zh="港口",
                                 unit="x", owner_department=sales)
    new_risk(planning_manager, sales, title="Harbour risk")
    kinds = {k["kind"]: k for k in
             api.as_(planning_manager).get("/api/v1/search/", {"q": "harbour"}).json()["kinds"]}
    assert kinds["plans"]["more_url"] == "/plans/?q=harbour"
    assert kinds["indicators"]["more_url"] == "/kpis/?q=harbour"
    assert kinds["risks"]["more_url"] is None  # one match: nothing more to see
    client.force_login(planning_manager)
    page = client.get("/search/", {"q": "harbour"}).content.decode()
    assert 'href="/plans/?q=harbour"' in page and "See every match among Plans" in page
    every = client.get("/plans/", {"q": "harbour"})
    assert every.context["page"].paginator.count == search.PER_KIND + 2
    catalog = client.get("/kpis/", {"q": "harbour"})
    assert len(catalog.context["indicators"]) == search.PER_KIND + 2


def test_a_query_too_long_for_the_list_pages_gets_no_see_all_link(api, author,
                                                                  planning_manager):
    words = "harbour " * 13  # 104 characters: the search takes it, the list pages would not
    for i in range(search.PER_KIND + 1):
        builders.new_plan(author, title=f"Plan {i}", summary=words)
    kinds = {k["kind"]: k for k in
             api.as_(planning_manager).get("/api/v1/search/", {"q": words.strip()}).json()[
                 "kinds"]}
    assert len(kinds["plans"]["results"]) == search.PER_KIND
    assert kinds["plans"]["more_url"] is None


def test_exactly_ten_matches_are_all_shown_without_a_see_all_link(api, author,
                                                                 planning_manager):
    for i in range(search.PER_KIND):
        builders.new_plan(author, title=f"Lighthouse plan {i}")
    kinds = {k["kind"]: k for k in
             api.as_(planning_manager).get("/api/v1/search/", {"q": "lighthouse"}).json()[
                 "kinds"]}
    assert len(kinds["plans"]["results"]) == search.PER_KIND
    assert kinds["plans"]["more_url"] is None
