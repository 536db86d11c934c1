"""The broker down: pages and writes keep working, queued work waits in the outbox and is sent
once the broker is back."""

import pytest
from django.urls import reverse

from opsplan import outbox
from opsplan.models import OutboxTask
from tests.opsplan.test_healthz import UNREACHABLE_BROKER, _filesystem_options, use_broker

pytestmark = pytest.mark.django_db
__all__ = ["use_broker"]


@pytest.fixture
def broker_down(use_broker, settings):
    from opsplan.celery import app

    settings.CELERY_TASK_ALWAYS_EAGER = False
    use_broker(UNREACHABLE_BROKER, {"visibility_timeout": 3600})
    app._pool = None  # connections pooled for the real broker would still get through
    app.amqp._producer_pool = None
    yield
    app._pool = None  # later tests must not reuse connections made for these brokers
    app.amqp._producer_pool = None


def test_ingestion_succeeds_and_its_rollup_waits_in_the_outbox(
        api, author, sales, broker_down, use_broker, tmp_path,
        django_capture_on_commit_callbacks):
    api.as_(author)
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post("/api/v1/kpis/measurements/bulk/", {"rows": [
            {"indicator": "revenue", "department": "sales", "period": "2026-03",
             "value": "5"}]}, format="json")
    assert response.status_code == 201
    kept = OutboxTask.objects.get()
    assert kept.task_name == "kpis.rollup_incremental"
    assert outbox.flush() == 0  # still down: nothing lost, nothing sent
    assert OutboxTask.objects.count() == 1

    use_broker("filesystem://", _filesystem_options(tmp_path))  # the broker is back
    from opsplan.celery import app

    app._pool = None  # drop connections pooled for the old broker
    app.amqp._producer_pool = None
    assert outbox.flush() == 1
    assert not OutboxTask.objects.exists()
    assert list((tmp_path / "queue").iterdir())  # the message is on the queue


def test_pages_keep_working_while_the_broker_is_down(client, author, broker_down):
    client.force_login(author)
    for url in (reverse("home"), reverse("plans:list"), reverse("kpis:catalog")):
        assert client.get(url).status_code == 200
    body = client.get("/healthz").json()
    assert body["status"] == "degraded"
    assert body["outbox"] == {"pending": 0}
