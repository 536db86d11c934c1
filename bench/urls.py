"""URLs of bench/pages.py's gunicorn: the whole project plus a bare view doing one query.

The bare view is the baseline the dashboards are measured against in the same run: the same
gunicorn, middleware and database, and exactly one query (asserted by bench/pages.py). Not a
benchmark itself: ``make bench`` runs every ``bench/*.py``, so run directly it only says so.
"""

from django.contrib.auth import get_user_model
from django.http import HttpResponse
from django.urls import path

from opsplan.urls import handler403, handler404, handler500  # noqa: F401
from opsplan.urls import urlpatterns as project_urlpatterns

BARE_PATH = "bench/bare/"


def bare(request):
    """One query (does user 1 exist?) rendered as a tiny response."""
    found = get_user_model().objects.filter(pk=1).exists()
    return HttpResponse(b"yes" if found else b"no", content_type="text/plain")


urlpatterns = [path(BARE_PATH, bare, name="bench-bare"), *project_urlpatterns]
