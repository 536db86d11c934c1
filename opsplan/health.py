"""Reachability checks for /healthz: the database and the Celery broker."""

from __future__ import annotations

import os
import time
from pathlib import Path

from django.conf import settings
from django.db import connection


def check_database() -> dict:
    started = time.perf_counter()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any driver error means "unreachable" here
        return {"ok": False, "error": exc.__class__.__name__}
    return {"ok": True, "ms": round((time.perf_counter() - started) * 1000, 1),
            "vendor": connection.vendor}


def check_broker() -> dict:
    from opsplan.celery import app

    started = time.perf_counter()
    url = str(app.conf.broker_url)
    transport = url.split("://", 1)[0]
    try:
        if transport == "filesystem":
            options = app.conf.broker_transport_options or {}
            for key in ("data_folder_in", "processed_folder", "control_folder"):
                folder = Path(options[key])
                if not (folder.is_dir() and os.access(folder, os.W_OK)):
                    raise OSError(f"{key} not writable")
        else:
            with app.connection_for_write() as conn:
                conn.ensure_connection(
                    max_retries=1, interval_start=0, interval_step=0.1,
                    timeout=settings.HEALTHZ_BROKER_TIMEOUT,
                )
    except Exception as exc:  # kombu raises many kinds; all mean "unreachable"
        return {"ok": False, "transport": transport, "error": exc.__class__.__name__}
    return {"ok": True, "transport": transport,
            "ms": round((time.perf_counter() - started) * 1000, 1)}


def beat_heartbeat() -> dict:
    """When the beat-scheduled heartbeat task last ran (informational; not part of the status)."""
    from opsplan.models import ServiceHeartbeat

    try:
        beat = ServiceHeartbeat.objects.filter(name="beat").first()
    except Exception as exc:  # the database check reports the cause
        return {"last_seen": None, "error": exc.__class__.__name__}
    return {"last_seen": beat.last_seen.isoformat() if beat else None}
