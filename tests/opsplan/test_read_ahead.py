"""A signed-in page reads its small shared keys (generations, unread count) once, several in
one round trip, and the person with their roles in one more: a cached dashboard costs four
cache round trips and no query, and every change is still seen by the next request."""

import pytest
from django.core.cache import cache, caches
from django.db import connection
from django.test.utils import CaptureQueriesContext

from opsplan import cache as shared

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def all_cached(settings):
    settings.OPSPLAN_ROLES_CACHE_SECONDS = 3600
    settings.OPSPLAN_UNREAD_CACHE_SECONDS = 300
    settings.OPSPLAN_DASHBOARD_CACHE_SECONDS = 60
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def round_trips(monkeypatch):
    """The cache operations of this thread's default cache, in order: (name, keys)."""
    made, inside = [], []
    backend = caches["default"]
    for name in ("get", "get_many", "set", "set_many", "delete", "delete_many"):
        method = getattr(backend, name)

        def counted(*args, _name=name, _method=method, **kwargs):
            if not inside:  # the in-memory cache's get_many calls its own get: one operation
                made.append((_name, args[0] if args else None))
            inside.append(_name)
            try:
                return _method(*args, **kwargs)
            finally:
                inside.pop()

        monkeypatch.setattr(backend, name, counted)
    return made


def test_a_cached_dashboard_costs_four_round_trips_and_no_query(client, all_cached, chair,
                                                                round_trips):
    client.force_login(chair)
    assert client.get("/dashboards/committee/").status_code == 200  # fills the caches
    round_trips.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/dashboards/committee/")
    assert response.status_code == 200 and b"Committee" in response.content
    assert queries.captured_queries == []
    assert [name for name, _ in round_trips] == ["get", "get_many", "get_many", "get"]
    session, small, person, page = (keys for _, keys in round_trips)
    assert "sessions" in session and page.startswith("dashboards:page:")
    assert set(small) == {"committee:roles:generation", "dashboards:generation",
                          f"notifications:unread:{chair.pk}"}
    assert any(key.startswith("committee:person:") for key in person)
    assert any(key.startswith("committee:roles:") for key in person)


def test_an_anonymous_request_reads_nothing_ahead(client, round_trips):
    assert client.get("/accounts/login/").status_code == 200
    assert not [keys for name, keys in round_trips if name == "get_many"]


def test_a_small_key_is_read_once_per_request_and_the_requests_own_write_is_seen(
        rf, round_trips):
    from opsplan import dashboards

    seen = []

    def view(request):
        seen.append(dashboards.generation())
        seen.append(dashboards.generation())
        dashboards.changed()
        seen.append(dashboards.generation())
        from django.http import HttpResponse

        return HttpResponse()

    cache.set(dashboards.GENERATION_KEY, 12345, None)
    round_trips.clear()
    shared.ReadAheadMiddleware(view)(rf.get("/"))
    reads = [keys for name, keys in round_trips if name == "get"]
    assert reads.count(dashboards.GENERATION_KEY) == 1
    assert seen[0] == seen[1] != seen[2] and seen[2] == cache.get(dashboards.GENERATION_KEY)


def test_outside_a_request_every_read_asks_the_cache():
    cache.set("opsplan-test:key", 1)
    assert shared.read("opsplan-test:key") == 1
    cache.set("opsplan-test:key", 2)
    assert shared.read("opsplan-test:key") == 2
    assert shared.read("opsplan-test:absent", 7) == 7


def test_a_person_deactivated_is_signed_out_at_once(client, all_cached, unit_head):
    client.force_login(unit_head)
    assert client.get("/dashboards/unit/").status_code == 200
    assert client.get("/dashboards/unit/").status_code == 200  # served from the caches
    unit_head.is_active = False
    unit_head.save()
    response = client.get("/dashboards/unit/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_changed_language_shows_on_the_next_page(client, all_cached, unit_head):
    client.force_login(unit_head)
    assert 'lang="en"' in client.get("/").content.decode()
    unit_head.language = "zh-hans"
    unit_head.save()
    assert 'lang="zh-hans"' in client.get("/").content.decode()


def test_a_new_password_ends_the_other_sessions(client, all_cached, unit_head, password):
    client.force_login(unit_head)
    assert client.get("/").status_code == 200
    unit_head.set_password(password + "-new")
    unit_head.save()
    response = client.get("/dashboards/unit/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_session_naming_nobody_known_is_anonymous(client, all_cached, unit_head):
    from django.contrib.auth import SESSION_KEY

    client.force_login(unit_head)
    assert client.get("/dashboards/unit/").status_code == 200
    session = client.session
    session[SESSION_KEY] = "999999"
    session.save()
    response = client.get("/dashboards/unit/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_redis_client_is_built_once_per_pool():
    from opsplan.cache import ReusingRedisCacheClient

    client = ReusingRedisCacheClient(["redis://127.0.0.1:6379/0"])
    assert client.get_client("a") is client.get_client("b", write=True)


def test_a_deactivation_by_bulk_update_signs_out_at_once(client, all_cached, unit_head):
    client.force_login(unit_head)
    assert client.get("/dashboards/unit/").status_code == 200
    type(unit_head).objects.filter(pk=unit_head.pk).update(is_active=False)
    response = client.get("/dashboards/unit/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_cached_person_holds_no_password_hash(client, all_cached, unit_head):
    from committee.selectors import _person_key

    client.force_login(unit_head)
    assert client.get("/").status_code == 200
    values, session_hash = cache.get(_person_key(unit_head.pk))
    assert values["username"] == unit_head.username
    assert "password" not in values and "last_login" not in values
    assert session_hash == type(unit_head).objects.get(pk=unit_head.pk).get_session_auth_hash()
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/").status_code == 200  # the session check needs no query
    assert not any("committee_user" in q["sql"] for q in queries.captured_queries)


def test_saving_the_cached_person_keeps_the_password_and_last_sign_in(rf, all_cached,
                                                                      unit_head, password):
    from django.contrib.auth import authenticate

    from committee.selectors import person

    person(unit_head.pk)  # cached
    cached = person(unit_head.pk)
    assert "password" not in cached.__dict__
    cached.display_name = "Renamed"
    cached.save()
    fresh = type(unit_head).objects.get(pk=unit_head.pk)
    assert fresh.display_name == "Renamed" and fresh.last_login == unit_head.last_login
    assert authenticate(rf.post("/"), username=unit_head.username, password=password)


def test_a_lost_generation_starts_a_new_one_never_an_old_one():
    from opsplan.cache import generation

    cache.delete("opsplan-test:generation")
    first = generation("opsplan-test:generation")
    assert first and generation("opsplan-test:generation") == first  # kept for everyone
    cache.delete("opsplan-test:generation")  # evicted, culled
    assert generation("opsplan-test:generation") not in (first, 0, None)


def test_with_the_cache_unreachable_every_request_gets_a_generation_of_its_own(monkeypatch):
    from opsplan.cache import generation

    backend = caches["default"]
    monkeypatch.setattr(backend, "get", lambda key, default=None, version=None: default)
    monkeypatch.setattr(backend, "add", lambda *args, **kwargs: False)
    seen = {generation("opsplan-test:generation") for _ in range(3)}
    assert len(seen) == 3 and 0 not in seen
