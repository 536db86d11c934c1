"""Settings of bench/pages.py's gunicorn: the project's settings, plus the bare baseline view.

The project's settings stay as they are (DEBUG off, production middleware); only what plain
HTTP on the loopback needs differs: no HTTPS redirect and no Secure-only cookies (the load
generator speaks http:// to 127.0.0.1). Not a benchmark itself: ``make bench`` runs every
``bench/*.py``, so run directly it only says so.
"""

from opsplan.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
