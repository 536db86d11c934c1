"""API plumbing: schema, docs offline, one error shape, pagination."""

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_schema_generates_without_warnings_and_validates(tmp_path):
    out = tmp_path / "schema.yml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    text = out.read_text()
    assert "/api/v1/committee/departments/" in text
    assert "ErrorResponse" in text or "Error" in text


def test_schema_documents_error_responses(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    create = schema["paths"]["/api/v1/committee/departments/"]["post"]["responses"]
    assert {"201", "400", "401", "403", "409"} <= set(create)
    detail = schema["paths"]["/api/v1/committee/departments/{id}/"]["get"]["responses"]
    assert {"200", "401", "403", "404"} <= set(detail)


def test_swagger_ui_is_served_without_a_cdn(client, outsider):
    client.force_login(outsider)
    html = client.get("/api/docs/").content.decode()
    assert "/static/drf_spectacular_sidecar/" in html
    assert "cdn" not in html.lower()


def test_not_found_has_the_error_shape(api, outsider):
    response = api.as_(outsider).get("/api/v1/committee/departments/999999/")
    assert response.status_code == 404
    assert response.json() == {"status": 404, "code": "not_found",
                                "detail": response.json()["detail"]}


def test_pagination_and_page_past_the_end(api, outsider, sales, marketing):
    api.as_(outsider)
    from committee.models import Department

    body = api.get("/api/v1/committee/departments/", {"page_size": 1}).json()
    assert body["count"] == Department.objects.count() >= 2
    assert len(body["results"]) == 1
    assert body["next"]
    assert api.get("/api/v1/committee/departments/", {"page": 99}).status_code == 404


def test_bad_filter_value_is_a_400_naming_the_field(api, outsider):
    response = api.as_(outsider).get("/api/v1/committee/departments/", {"kind": "nonsense"})
    assert response.status_code == 400
    assert "kind" in response.json()["errors"]


def test_api_root_links_every_section(api, outsider):
    body = api.as_(outsider).get("/api/v1/").json()
    assert {"committee", "schema", "docs"} <= set(body)


def test_unknown_api_path_is_a_json_404(api, outsider):
    response = api.as_(outsider).get("/api/v1/plans/%C2%84/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json()["code"] == "not_found"
