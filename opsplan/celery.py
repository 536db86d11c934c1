"""The Celery application (Celery's Django pattern).

Settings prefixed ``CELERY_`` configure it; the embedded filesystem broker's folders are created
here so that a worker, beat and the web process can start in any order.
"""

import os
from pathlib import Path

from celery import Celery
from celery.signals import after_setup_logger

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "opsplan.settings")

app = Celery("opsplan")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def ensure_broker_folders(transport_options: dict) -> None:
    """Create the filesystem broker's data, processed and control folders if missing."""
    for key in ("data_folder_in", "data_folder_out", "processed_folder", "control_folder"):
        folder = transport_options.get(key)
        if folder:
            Path(folder).mkdir(parents=True, exist_ok=True)


@app.on_after_configure.connect
def _prepare_embedded_broker(sender, **kwargs):
    if str(sender.conf.broker_url).startswith("filesystem://"):
        ensure_broker_folders(sender.conf.broker_transport_options or {})
    backend = str(sender.conf.result_backend or "")
    if backend.startswith("file://"):
        Path(backend.removeprefix("file://")).mkdir(parents=True, exist_ok=True)


@after_setup_logger.connect
def _quiet(logger, **kwargs):  # pragma: no cover - logging cosmetics
    logger.setLevel(os.environ.get("CELERY_LOG_LEVEL", "INFO"))
