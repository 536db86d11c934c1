import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from committee.choices import DepartmentKind, Position, Role, SeatRole
from committee.models import CommitteeSeat, Department, Membership
from committee.selectors import roles_of
from opsplan.models import AuditEvent

pytestmark = pytest.mark.django_db


def _counts():
    return (Department.objects.count(), get_user_model().objects.count(),
            Membership.objects.count(), CommitteeSeat.objects.count(),
            AuditEvent.objects.count())


def test_seed_demo_twice_gives_the_same_counts(settings, tmp_path, capsys):
    settings.VAR_DIR = tmp_path
    call_command("seed_demo")
    first = _counts()
    out = capsys.readouterr().out
    assert "password for every demo account" in out
    call_command("seed_demo")
    assert _counts() == first
    assert "password for every demo account" not in capsys.readouterr().out
    assert (tmp_path / "demo-logins.txt").read_text().startswith("password for every demo")


def test_demo_company_matches_the_policy(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    call_command("seed_demo", password="demo-password-2026")
    seats = CommitteeSeat.objects.current()
    assert seats.filter(role=SeatRole.CHAIR).count() == 1
    assert seats.filter(role=SeatRole.MEMBER).count() == 4
    planning = Membership.objects.filter(department__kind=DepartmentKind.PLANNING)
    assert planning.filter(position=Position.MANAGER).count() == 1
    assert planning.filter(position=Position.SUPERVISOR).count() == 2
    assert planning.filter(position=Position.SPECIALIST).count() == 3
    units = Department.objects.filter(kind=DepartmentKind.BUSINESS_UNIT)
    assert units.count() >= 5
    for unit in units:
        assert unit.memberships.filter(position=Position.HEAD).count() == 1
        assert unit.memberships.filter(position=Position.STAFF).exists()
    chair = get_user_model().objects.get(username="chair")
    assert chair.check_password("demo-password-2026")
    assert Role.COMMITTEE_CHAIR in roles_of(chair)
