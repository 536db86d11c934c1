"""The plan page's history is paged, newest first, so a long-lived plan's page stays light."""

import pytest

from opsplan.audit import record
from plans.views import HISTORY_PAGE
from tests.plans import builders

pytestmark = pytest.mark.django_db


def test_the_history_shows_the_newest_changes_first_by_pages(client, author):
    plan = builders.new_plan(author, title="Long-lived plan")
    for number in range(HISTORY_PAGE + 10):
        record(actor=author, action="plans.plan.updated", subject=plan,
               data={"note": f"change {number:03}"})
    client.force_login(author)
    first = client.get(f"/plans/{plan.pk}/")
    page = first.context["history"]
    assert len(page.object_list) == HISTORY_PAGE
    assert page.object_list[0].data["note"] == f"change {HISTORY_PAGE + 9:03}"
    html = first.content.decode()
    assert 'href="?history_page=2#history"' in html and "Earlier changes" in html
    second = client.get(f"/plans/{plan.pk}/", {"history_page": 2})
    notes = [e.data.get("note") for e in second.context["history"].object_list]
    assert notes[-1] is None  # the oldest: the plan's creation
    assert "change 000" in notes and "Later changes" in second.content.decode()


@pytest.mark.parametrize("asked", ["0", "-1", "abc", "999"])
def test_an_unknown_history_page_shows_a_real_one(client, author, asked):
    plan = builders.new_plan(author, title="Short plan")
    client.force_login(author)
    response = client.get(f"/plans/{plan.pk}/", {"history_page": asked})
    assert response.status_code == 200 and response.context["history"].object_list
