"""/healthz: "ok" (200) when the database and the Celery broker answer, "degraded" (still 200:
the node serves pages and reads) when only the broker is down, 503 when the database is."""

from datetime import UTC, datetime

import pytest
from django.db import OperationalError, connection
from django.utils import timezone

from opsplan.celery import app as celery_app
from opsplan.models import ServiceHeartbeat

UNREACHABLE_BROKER = "redis://127.0.0.1:1/0"  # port 1: nothing listens there


@pytest.fixture
def use_broker(settings, monkeypatch):
    """Point the Celery app /healthz checks at another broker, for this test only.

    opsplan.health reads ``app.conf.broker_url``; the app was configured from the settings once,
    so overriding CELERY_BROKER_URL alone is not enough. Celery also lets the environment
    variable CELERY_BROKER_URL win over its configuration, so that is set too.
    """

    def use(url, transport_options=None):
        settings.CELERY_BROKER_URL = url
        monkeypatch.setenv("CELERY_BROKER_URL", url)
        monkeypatch.delenv("CELERY_BROKER_WRITE_URL", raising=False)
        monkeypatch.setitem(celery_app.conf, "broker_url", url)
        monkeypatch.setitem(celery_app.conf, "broker_transport_options",
                            transport_options if transport_options is not None else {})
        assert celery_app.conf.broker_url == url

    return use


def _filesystem_options(root, create=True):
    if create:
        for name in ("queue", "processed", "control"):
            (root / name).mkdir(parents=True, exist_ok=True)
    return {
        "data_folder_in": str(root / "queue"),
        "data_folder_out": str(root / "queue"),
        "processed_folder": str(root / "processed"),
        "control_folder": str(root / "control"),
        "store_processed": False,
    }


def _get(client):
    response = client.get("/healthz")
    assert response["Content-Type"] == "application/json"
    return response, response.json()


@pytest.mark.django_db
def test_filesystem_broker_with_its_folders_is_healthy(client, use_broker, tmp_path):
    use_broker("filesystem://", _filesystem_options(tmp_path))

    response, body = _get(client)

    assert response.status_code == 200, body
    assert body["status"] == "ok"
    assert body["database"]["ok"] is True
    assert body["database"]["vendor"] == connection.vendor
    assert body["broker"] == {"ok": True, "transport": "filesystem", "ms": body["broker"]["ms"]}
    assert body["beat"] == {"last_seen": None}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_filesystem_broker_without_its_folders_is_degraded(client, use_broker, tmp_path):
    use_broker("filesystem://", _filesystem_options(tmp_path / "missing", create=False))

    response, body = _get(client)

    assert response.status_code == 200, body
    assert body["status"] == "degraded"
    assert body["database"]["ok"] is True
    assert body["broker"] == {"ok": False, "transport": "filesystem", "error": "OSError"}


@pytest.mark.services
@pytest.mark.django_db
def test_redis_broker_reachable_is_healthy(client, use_broker, redis_url):
    use_broker(redis_url, {"visibility_timeout": 3600})

    response, body = _get(client)

    assert response.status_code == 200, body
    assert body["status"] == "ok"
    assert body["database"]["ok"] is True
    assert body["broker"]["ok"] is True
    assert body["broker"]["transport"] == "redis"
    assert body["broker"]["ms"] >= 0


@pytest.mark.django_db
def test_unreachable_broker_is_degraded_but_serving(client, use_broker):
    use_broker(UNREACHABLE_BROKER, {"visibility_timeout": 3600})

    response, body = _get(client)

    assert response.status_code == 200, body
    assert body["status"] == "degraded"  # pages and reads work; queued work waits
    assert body["database"]["ok"] is True
    assert body["broker"]["ok"] is False
    assert body["broker"]["transport"] == "redis"
    assert body["broker"]["error"]


@pytest.mark.django_db
def test_database_failure_gives_503(client, use_broker, tmp_path, monkeypatch):
    use_broker("filesystem://", _filesystem_options(tmp_path))

    class BrokenConnection:
        vendor = connection.vendor

        def cursor(self):
            raise OperationalError("could not connect to server")

    monkeypatch.setattr("opsplan.health.connection", BrokenConnection())

    response, body = _get(client)

    assert response.status_code == 503, body
    assert body["status"] == "unavailable"
    assert body["database"] == {"ok": False, "error": "OperationalError"}
    assert body["broker"]["ok"] is True  # only the database failed
    assert "beat" not in body  # not queried when the database is down


@pytest.mark.django_db
def test_beat_heartbeat_is_reported(client, use_broker, tmp_path):
    use_broker("filesystem://", _filesystem_options(tmp_path))
    seen = datetime(2026, 3, 1, 8, 30, tzinfo=UTC)
    ServiceHeartbeat.objects.create(name="beat", last_seen=seen)
    ServiceHeartbeat.objects.create(name="other", last_seen=timezone.now())

    response, body = _get(client)

    assert response.status_code == 200, body
    assert datetime.fromisoformat(body["beat"]["last_seen"]) == seen


def test_healthz_accepts_only_get(client):
    assert client.post("/healthz").status_code == 405
