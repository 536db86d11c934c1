"""Positions and seats start and end on the company's dates (TIME_ZONE), whatever time zone the
person reading has chosen: someone whose local date is not yet (or already past) the company's
still holds the roles the company gave them today."""

import datetime as dt
import zoneinfo

import pytest
from django.utils import timezone

from committee.choices import Role
from committee.models import CommitteeSeat, company_today
from committee.selectors import roles_of

pytestmark = pytest.mark.django_db

# 26 hours apart: at any instant one of them is on another date than the company.
FAR_ZONES = ("Etc/GMT+12", "Etc/GMT-14")


def _zone_on_another_date():
    for name in FAR_ZONES:
        zone = zoneinfo.ZoneInfo(name)
        if timezone.localdate(timezone=zone) != company_today():
            return zone
    raise AssertionError("two zones 26 hours apart share the company's date")


def test_a_seat_starting_today_counts_in_a_readers_zone_on_another_date(
        client, committee_member, api):
    zone = _zone_on_another_date()
    assert CommitteeSeat.objects.get(user=committee_member).started_on == company_today()
    with timezone.override(zone):
        fresh = type(committee_member).objects.get(pk=committee_member.pk)
        assert Role.COMMITTEE_MEMBER in roles_of(fresh)
        assert CommitteeSeat.objects.current().filter(user=committee_member).exists()
    committee_member.time_zone = zone.key
    committee_member.save()
    client.force_login(committee_member)
    assert client.get("/dashboards/committee/").status_code == 200
    assert api.as_(committee_member).get(
        "/api/v1/me/dashboards/committee/").status_code == 200


def test_a_seat_ending_yesterday_no_longer_counts_in_any_zone(committee_member):
    CommitteeSeat.objects.filter(user=committee_member).update(
        started_on=company_today() - dt.timedelta(days=10),
        ended_on=company_today() - dt.timedelta(days=1))
    for name in FAR_ZONES:
        with timezone.override(zoneinfo.ZoneInfo(name)):
            fresh = type(committee_member).objects.get(pk=committee_member.pk)
            assert Role.COMMITTEE_MEMBER not in roles_of(fresh)
