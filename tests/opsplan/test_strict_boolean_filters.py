"""A yes/no filter takes true or false; anything else is a 400 (or a form error on the page)
naming the field, never silently ignored (the list would look filtered when it is not)."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("url", "field"), [
    ("/api/v1/risks/", "open"),
    ("/api/v1/costs/entries/", "has_attachment"),
    ("/api/v1/me/notifications/", "unread"),
])
@pytest.mark.parametrize("value", ["maybe", "yes please", "2"])
def test_an_unknown_yes_no_value_is_a_400_naming_the_field(api, planning_manager, url, field,
                                                           value):
    response = api.as_(planning_manager).get(url, {field: value})
    assert response.status_code == 400, response.content
    assert field in response.json()["errors"]


@pytest.mark.parametrize(("url", "field"), [
    ("/api/v1/risks/", "open"),
    ("/api/v1/costs/entries/", "has_attachment"),
    ("/api/v1/me/notifications/", "unread"),
])
@pytest.mark.parametrize("value", ["true", "false", "True", "1", "0", ""])
def test_true_false_and_empty_are_taken(api, planning_manager, url, field, value):
    assert api.as_(planning_manager).get(url, {field: value}).status_code == 200


def test_the_risk_register_page_names_a_bad_yes_no_value(client, planning_manager):
    client.force_login(planning_manager)
    response = client.get("/risks/", {"open": "maybe"})
    assert response.status_code == 400
    assert '<p class="error" role="alert">Enter true or false.</p>' in response.content.decode()
