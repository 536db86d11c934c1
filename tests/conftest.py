"""Shared fixtures: the named personas of ARCHITECTURE.md §8 and the service guards."""

import os
import socket
from urllib.parse import urlparse

import pytest
from django.conf import settings
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from committee.choices import DepartmentKind, Position, SeatRole
from tests.factories import (
    PASSWORD,
    CommitteeFactory,
    DepartmentFactory,
    MembershipFactory,
    PlanningDepartmentFactory,
    SeatFactory,
    UserFactory,
)
from tests.services import celery_client, celery_processes  # noqa: F401 (fixtures)

# Playwright's sync API runs an event loop in the test thread; Django's ORM calls from the
# test itself are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytest_plugins = ["tests.browser"]


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Hashing at production strength costs ~0.3 s a user; tests need no such strength."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _dashboards_uncached(settings):
    """Dashboard panels are computed on every request in tests, so query counts and contents
    are those of the real computation; tests/dashboards/test_caching.py turns the cache on."""
    settings.OPSPLAN_DASHBOARD_CACHE_SECONDS = 0


@pytest.fixture(autouse=True)
def _roles_uncached(settings):
    """Roles are read on every request in tests, so query counts compare like with like;
    tests/committee/test_roles_cache.py turns the shared cache on."""
    settings.OPSPLAN_ROLES_CACHE_SECONDS = 0


@pytest.fixture(autouse=True)
def _unread_uncached(settings):
    """The unread-notification badge is counted on every request in tests (query counts compare
    like with like); tests/opsplan/test_unread_cache.py turns the cache on."""
    settings.OPSPLAN_UNREAD_CACHE_SECONDS = 0


# --- service guards -------------------------------------------------------------------------

def require_service(reason: str):
    """Skip on a newcomer's machine; fail in CI, where OPSPLAN_REQUIRE_SERVICES=1."""
    if settings.OPSPLAN_REQUIRE_SERVICES:
        pytest.fail(f"required service missing: {reason}", pytrace=False)
    pytest.skip(reason)


def reachable(url: str, default_port: int) -> bool:
    parsed = urlparse(url)
    try:
        with socket.create_connection((parsed.hostname or "127.0.0.1",
                                       parsed.port or default_port), timeout=1):
            return True
    except OSError:
        return False


@pytest.fixture
def postgres():
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        require_service("PostgreSQL (set DATABASE_URL=postgres://…)")


@pytest.fixture
def redis_url():
    url = os.environ.get("OPSPLAN_TEST_REDIS_URL") or (
        settings.CELERY_BROKER_URL if settings.CELERY_BROKER_URL.startswith("redis") else
        "redis://127.0.0.1:6379/15"
    )
    if not reachable(url, 6379):
        require_service(f"Redis at {url}")
    return url


# --- personas -------------------------------------------------------------------------------

@pytest.fixture
def planning_department(db):
    return PlanningDepartmentFactory()


@pytest.fixture
def sales(db):
    return DepartmentFactory(code="sales", name="Sales", kind=DepartmentKind.BUSINESS_UNIT)


@pytest.fixture
def marketing(db):
    return DepartmentFactory(code="marketing", name="Marketing",
                             kind=DepartmentKind.BUSINESS_UNIT)


@pytest.fixture
def audit_department(db):
    return DepartmentFactory(code="audit", name="Internal Audit", kind=DepartmentKind.OTHER)


@pytest.fixture
def committee(db):
    return CommitteeFactory()


def _member(username, department, position):
    user = UserFactory(username=username)
    MembershipFactory(user=user, department=department, position=position)
    return user


@pytest.fixture
def planning_manager(planning_department):
    return _member("manager", planning_department, Position.MANAGER)


@pytest.fixture
def author(planning_department):
    """A planning specialist: the usual author of a plan."""
    return _member("author", planning_department, Position.SPECIALIST)


@pytest.fixture
def reviewer(marketing):
    """Heads a department other than the author's."""
    return _member("reviewer", marketing, Position.HEAD)


@pytest.fixture
def unit_head(sales):
    return _member("unit_head", sales, Position.HEAD)


@pytest.fixture
def unit_staff(sales):
    return _member("unit_staff", sales, Position.STAFF)


@pytest.fixture
def committee_member(committee):
    user = UserFactory(username="member")
    SeatFactory(committee=committee, user=user, role=SeatRole.MEMBER)
    return user


@pytest.fixture
def chair(committee):
    user = UserFactory(username="chair")
    SeatFactory(committee=committee, user=user, role=SeatRole.CHAIR)
    return user


@pytest.fixture
def auditor(audit_department):
    return _member("auditor", audit_department, Position.AUDITOR)


@pytest.fixture
def outsider(db):
    """Signed in, but holds no position and no seat."""
    return UserFactory(username="outsider")


@pytest.fixture
def integration(sales):
    user = _member("integration", sales, Position.INTEGRATION)
    Token.objects.create(user=user)
    return user


@pytest.fixture
def api():
    """An API client; ``api.as_(user)`` signs it in (token for integrations, else session)."""

    class Client(APIClient):
        def as_(self, user):
            if user is None:
                self.logout()
                self.credentials()
            elif hasattr(user, "auth_token"):
                self.credentials(HTTP_AUTHORIZATION=f"Token {user.auth_token.key}")
            else:
                self.force_authenticate(user=user)
            return self

    return Client()


@pytest.fixture
def password():
    return PASSWORD
