"""NUL characters (which PostgreSQL cannot store) are refused by the API with a 400 that names
the field, wherever they are in a JSON body; codes of related objects too."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("body", "field"), [
    ({"title": "Stock\x00out", "subject": "x", "starts_at": "2027-01-01T10:00:00+08:00",
      "ends_at": "2027-01-01T11:00:00+08:00", "invitees": [1]}, "title"),
    ({"title": "ok", "subject": "x", "starts_at": "2027-01-01T10:00:00+08:00",
      "ends_at": "2027-01-01T11:00:00+08:00", "invitees": [1], "extra": {"a": ["b\x00"]}},
     "extra.a.0"),
])
def test_a_nul_character_is_a_400_naming_where(api, unit_head, body, field):
    response = api.as_(unit_head).post("/api/v1/meetings/", body, format="json")
    assert response.status_code == 400
    assert field in response.json()["errors"]


def test_a_code_with_a_nul_character_is_no_such_object(api, author, sales):
    response = api.as_(author).post("/api/v1/kpis/scorecard-templates/",
                                    {"department": "sa\x00les"}, format="json")
    assert response.status_code == 400 and "department" in response.json()["errors"]
