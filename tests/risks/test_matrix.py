"""The matrix: configuration validation (sizes, every cell mapped, colours), scoring and level
of edge cells, and versioning that keeps history with a re-map wizard."""

import pytest
from django.core.exceptions import ValidationError

from risks import selectors, services
from risks.models import Assessment, Risk, RiskMatrix
from tests.risks import builders

pytestmark = pytest.mark.django_db


def _create(actor, rows, columns, cells=None, **extra):
    return services.matrix_create(actor=actor, likelihood_labels=builders.labels(rows),
                                  impact_labels=builders.labels(columns),
                                  cells=cells if cells is not None else builders.levels(
                                      rows, columns), **extra)


@pytest.mark.parametrize(("rows", "columns"), [(3, 3), (6, 6), (3, 6), (4, 5)])
def test_sizes_from_3x3_to_6x6_are_accepted(planning_manager, matrix, rows, columns):
    new = _create(planning_manager, rows, columns)
    assert (new.rows, new.columns, new.is_current) == (rows, columns, True)
    assert new.version == matrix.version + 1
    assert not RiskMatrix.objects.get(pk=matrix.pk).is_current


@pytest.mark.parametrize(("rows", "columns", "field"), [
    (2, 3, "likelihood_labels"), (3, 2, "impact_labels"), (7, 5, "likelihood_labels"),
    (5, 7, "impact_labels")])
def test_sizes_outside_3_to_6_are_refused(planning_manager, matrix, rows, columns, field):
    with pytest.raises(ValidationError) as exc:
        _create(planning_manager, rows, columns, cells=builders.levels(max(rows, 3),
                                                                       max(columns, 3)))
    assert field in exc.value.message_dict
    assert RiskMatrix.objects.count() == 1


def test_every_cell_must_be_mapped_to_a_level(planning_manager, matrix):
    cells = builders.levels(3, 3)
    cells[2][1] = ""
    with pytest.raises(ValidationError) as exc:
        _create(planning_manager, 3, 3, cells=cells)
    assert "likelihood 3 × impact 2" in " ".join(exc.value.message_dict["cells"])
    with pytest.raises(ValidationError) as exc:
        _create(planning_manager, 3, 3, cells=builders.levels(3, 2))
    assert "cells" in exc.value.message_dict


def test_a_label_is_required_and_colours_are_checked(planning_manager, matrix):
    labels = builders.labels(3)
    labels[1]["label"] = " "
    with pytest.raises(ValidationError) as exc:
        services.matrix_create(actor=planning_manager, likelihood_labels=labels,
                               impact_labels=builders.labels(3), cells=builders.levels(3, 3))
    assert "likelihood_labels" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        _create(planning_manager, 3, 3, colours={"low": "red"})
    assert "colours" in exc.value.message_dict


def test_only_planning_leads_configure_the_matrix(unit_head, author, matrix):
    from django.core.exceptions import PermissionDenied

    for user in (unit_head, author):
        with pytest.raises(PermissionDenied):
            _create(user, 3, 3)


def test_api_names_the_wrong_field(api, planning_manager, matrix):
    api.as_(planning_manager)
    body = {"likelihood_labels": builders.labels(3), "impact_labels": builders.labels(3),
            "cells": [["low", "low", "low"], ["low", "low"], ["low", "low", "low"]]}
    response = api.post("/api/v1/risks/matrices/", body)
    assert response.status_code == 400
    assert any(key.startswith("cells") for key in response.json()["errors"])
    body["cells"] = builders.levels(3, 3)
    response = api.post("/api/v1/risks/matrices/", body)
    assert response.status_code == 201, response.json()
    assert response.json()["version"] == matrix.version + 1


def test_page_form_names_the_wrong_field(client, planning_manager, matrix):
    client.force_login(planning_manager)
    response = client.post("/risks/matrix/new/", {
        "likelihood_labels": "A\nB", "impact_labels": "A\nB\nC", "cells": "low low low",
        "colour_low": "#00ff00", "colour_medium": "#ffff00", "colour_high": "#ff8800",
        "colour_critical": "#ff0000"})
    assert response.status_code == 400
    assert "likelihood_labels" in response.context["form"].errors


@pytest.mark.parametrize(("likelihood", "impact", "level"), [
    (1, 1, "low"), (5, 5, "critical"), (1, 5, "medium"), (5, 1, "medium"), (3, 3, "medium"),
    (4, 5, "critical"), (5, 4, "critical"), (2, 5, "high")])
def test_scoring_and_level_for_edge_cells(unit_staff, sales, matrix, likelihood, impact,
                                          level):
    risk = builders.new_risk(unit_staff, sales)
    assessment = services.risk_assess(risk=risk, actor=unit_staff, kind="inherent",
                                      likelihood=likelihood, impact=impact)
    assert assessment.level == level
    assert matrix.score(likelihood, impact) == likelihood * impact
    risk.refresh_from_db()
    assert (risk.inherent_level, risk.status) == (level, "assessed")


@pytest.mark.parametrize(("likelihood", "impact", "field"), [(0, 3, "likelihood"),
                                                             (6, 3, "likelihood"),
                                                             (3, 6, "impact")])
def test_cells_outside_the_matrix_are_refused(api, unit_staff, sales_risk, likelihood, impact,
                                              field):
    response = api.as_(unit_staff).post(f"/api/v1/risks/{sales_risk.pk}/assess/", {
        "kind": "inherent", "likelihood": likelihood, "impact": impact})
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert not Assessment.objects.exists()


def test_matrix_versioning_keeps_history(planning_manager, unit_staff, sales, matrix):
    risk = builders.assessed(unit_staff, sales, likelihood=5, impact=5)  # critical on v1
    old = risk.inherent
    cells = builders.levels(3, 3, "low")
    cells[2][2] = "high"
    v2 = _create(planning_manager, 3, 3, cells=cells)
    risk.refresh_from_db()
    # nothing re-scored silently
    assert risk.inherent_id == old.pk and risk.inherent_level == "critical"
    assert Assessment.objects.get(pk=old.pk).matrix_id == matrix.pk
    heat = selectors.heatmap(planning_manager)
    assert heat["matrix"] == v2
    assert heat["sides"][0]["total"] == 0 and heat["sides"][0]["other_versions"] == 1
    # the wizard previews, then re-maps (5/5 on a 5-scale -> 3/3 on a 3-scale)
    preview = services.remap_preview(matrix=v2)
    assert [(r["risk"].pk, r["likelihood"], r["impact"], r["level"], r["changed"])
            for r in preview] == [(risk.pk, 3, 3, "high", True)]
    assert Assessment.objects.count() == 1  # a preview stores nothing
    assert services.matrix_remap(matrix=v2, actor=planning_manager) == 1
    risk = Risk.objects.get(pk=risk.pk)
    assert (risk.inherent.matrix_id, risk.inherent_level, risk.inherent.remapped_from_id) == (
        v2.pk, "high", old.pk)
    assert list(risk.assessments.values_list("matrix__version", flat=True)
                .order_by("pk")) == [1, 2]
    assert services.remap_preview(matrix=v2) == []
    assert selectors.heatmap(planning_manager)["sides"][0]["total"] == 1


def test_remap_wizard_pages(client, planning_manager, unit_staff, sales, matrix):
    risk = builders.assessed(unit_staff, sales, likelihood=1, impact=1)
    v2 = _create(planning_manager, 3, 3)
    client.force_login(planning_manager)
    page = client.get(f"/risks/matrix/{v2.pk}/remap/")
    assert page.status_code == 200 and risk.title in page.content.decode()
    assert client.post(f"/risks/matrix/{v2.pk}/remap/").status_code == 302
    assert Risk.objects.get(pk=risk.pk).inherent.matrix_id == v2.pk
