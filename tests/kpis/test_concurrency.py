"""The same batch sent several times at once with one Idempotency-Key is stored once: one 201,
every other answer a replay (200, ``Idempotent-Replayed``) of the same summary, one audit row.
100 rounds of 2–10 simultaneous requests; PostgreSQL (real row locks and unique indexes)."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from rest_framework.test import APIClient

from kpis.choices import Aggregation, Frequency
from kpis.models import IdempotencyKey, Indicator, Measurement
from opsplan.models import AuditEvent
from tests.plans.test_concurrency import ROUNDS, _user, race, racers

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("postgres")]


def _post(person, key, body):
    def setup():
        client = APIClient()
        client.force_authenticate(user=_user(person))
        return lambda: client.post("/api/v1/kpis/measurements/bulk/", body, format="json",
                                   HTTP_IDEMPOTENCY_KEY=key)
    return setup


def test_one_batch_sent_at_once_with_one_key_is_stored_once(author, planning_department):
    indicator = Indicator.objects.create(
        code="race", name_en="Race", name_zh="竞争", unit="x", frequency=Frequency.MONTHLY,
        aggregation=Aggregation.SUM, owner_department=planning_department)
    start = dt.date(2017, 1, 1)
    for round_no in range(ROUNDS):
        period = dt.date(start.year + round_no // 12, round_no % 12 + 1, 1)
        body = {"rows": [{"indicator": indicator.code, "department": planning_department.code,
                          "period": period.isoformat(), "value": str(100 + round_no)},
                         {"indicator": indicator.code, "department": planning_department.code,
                          "period": (period + dt.timedelta(days=40)).replace(day=1).isoformat()
                          if round_no % 12 == 11 else period.replace(
                              month=period.month + 1).isoformat(),
                          "value": "1"}]}
        key = f"round-{round_no}-{uuid.uuid4().hex}"
        audits_before = AuditEvent.objects.filter(action="kpis.measurements.store").count()
        field = racers(author)
        outcomes = race(*(_post(person, key, body) for person in field))
        assert all(kind == "ok" for kind, _ in outcomes), outcomes
        responses = [response for _, response in outcomes]
        codes = sorted(r.status_code for r in responses)
        assert codes == [200] * (len(field) - 1) + [201], [r.content for r in responses]
        first = next(r for r in responses if r.status_code == 201).json()
        for replay in (r for r in responses if r.status_code == 200):
            assert replay["Idempotent-Replayed"] == "true"
            assert replay.json() == first
        assert Measurement.objects.filter(indicator=indicator, period_start=period).count() == 1
        assert IdempotencyKey.objects.filter(key=key).count() == 1
        assert AuditEvent.objects.filter(
            action="kpis.measurements.store").count() == audits_before + 1


def test_the_same_new_rows_sent_at_once_without_a_key_are_all_stored_once(author,
                                                                          planning_department):
    """Integrations racing on the same new measurements (no Idempotency-Key) all get a 201:
    one creates the rows, the others, retried by the server after losing the race, find
    them unchanged; nothing is stored twice and nobody has to send again."""
    indicator = Indicator.objects.create(
        code="race-nokey", name_en="Race", name_zh="竞争", unit="x", frequency=Frequency.MONTHLY,
        aggregation=Aggregation.SUM, owner_department=planning_department)
    for round_no in range(ROUNDS // 4):
        period = dt.date(2017 + round_no // 12, round_no % 12 + 1, 1)
        body = {"rows": [{"indicator": indicator.code, "department": planning_department.code,
                          "period": period.isoformat(), "value": "7"}]}
        field = racers(author)
        outcomes = race(*(_post(person, "", body) for person in field))
        responses = [response for kind, response in outcomes if kind == "ok"]
        assert len(responses) == len(field), outcomes
        assert sorted(r.status_code for r in responses) == [201] * len(field), [
            r.content for r in responses]
        summaries = sorted((r.json()["created"], r.json()["unchanged"]) for r in responses)
        assert summaries == [(0, 1)] * (len(field) - 1) + [(1, 0)]
        assert Measurement.objects.filter(indicator=indicator, period_start=period).count() == 1
