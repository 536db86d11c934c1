"""The top bar's unread-notification badge is counted once and cached per person until one of
their notifications is created, read or deleted."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from opsplan.models import Notification
from opsplan.notifications import notify

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def cached_badge(settings):
    settings.OPSPLAN_UNREAD_CACHE_SECONDS = 300
    cache.clear()
    yield
    cache.clear()


def _counts(client):
    """(badge shown on the home page, notification-count queries made for it)."""
    import re

    with CaptureQueriesContext(connection) as queries:
        page = client.get("/").content.decode()
    found = re.search(r'class="badge" aria-label="(\d+) unread"', page)
    counted = sum('"opsplan_notification"' in q["sql"] and "COUNT(" in q["sql"]
                  for q in queries.captured_queries)
    return (int(found.group(1)) if found else 0), counted


def test_the_badge_is_counted_once_then_served_from_the_cache(client, cached_badge, chair):
    notify([chair], "Plan awaiting your vote")
    client.force_login(chair)
    assert _counts(client) == (1, 1)
    assert _counts(client) == (1, 0)


def test_a_new_notification_shows_at_once(client, cached_badge, chair, committee_member):
    client.force_login(chair)
    assert _counts(client) == (0, 1)
    notify([committee_member], "Not for the chair")
    assert _counts(client) == (0, 0)  # someone else's notification leaves the count alone
    notify([chair, committee_member], "Plan awaiting your vote")
    assert _counts(client) == (1, 1)


def test_notifications_kept_as_read_by_preference_leave_the_badge_alone(client, cached_badge,
                                                                        chair):
    from opsplan.models import Event, NotificationPreference

    NotificationPreference.objects.create(user=chair, event=Event.OTHER, in_app=False,
                                          by_email=True)
    client.force_login(chair)
    assert _counts(client) == (0, 1)
    notify([chair], "E-mail only")
    assert _counts(client) == (0, 0)


def test_marking_all_read_clears_the_badge_at_once(client, cached_badge, chair):
    notify([chair], "One")
    notify([chair], "Two")
    client.force_login(chair)
    assert _counts(client)[0] == 2
    assert client.post("/notifications/").status_code == 302
    assert _counts(client) == (0, 1)


def test_a_notification_saved_or_deleted_one_by_one_refreshes_the_badge(client, cached_badge,
                                                                        chair):
    client.force_login(chair)
    assert _counts(client)[0] == 0
    note = Notification.objects.create(recipient=chair, message="From the admin")
    assert _counts(client)[0] == 1
    note.delete()
    assert _counts(client)[0] == 0


def test_without_a_time_to_live_the_badge_is_counted_every_time(client, cached_badge, chair,
                                                               settings):
    settings.OPSPLAN_UNREAD_CACHE_SECONDS = 0
    client.force_login(chair)
    assert _counts(client) == (0, 1)
    assert _counts(client) == (0, 1)
