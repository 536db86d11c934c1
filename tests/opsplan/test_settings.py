"""Settings come from the environment; bad or missing values stop start-up and name the variable."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from opsplan.env import Env

ROOT = Path(__file__).resolve().parents[2]


def _start(**env_vars):
    """Import the settings in a fresh interpreter with exactly these variables."""
    env = {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/tmp"), **env_vars}
    return subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True,
        text=True, timeout=120,
    )


def test_missing_secret_with_debug_off_stops_start_up():
    result = _start(DJANGO_DEBUG="0")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_short_secret_with_debug_off_stops_start_up():
    result = _start(DJANGO_DEBUG="0", DJANGO_SECRET_KEY="too-short")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be at least 50 characters" in result.stderr


def test_bad_boolean_names_the_variable():
    result = _start(DJANGO_DEBUG="maybe")
    assert result.returncode != 0
    assert "DJANGO_DEBUG must be a boolean" in result.stderr


def test_bad_database_url_names_the_variable():
    result = _start(DJANGO_DEBUG="1", DATABASE_URL="nonsense")
    assert result.returncode != 0
    assert "DATABASE_URL" in result.stderr


def test_bad_broker_url_names_the_variable():
    result = _start(DJANGO_DEBUG="1", CELERY_BROKER_URL="ftp://example")
    assert result.returncode != 0
    assert "CELERY_BROKER_URL must be a URL with scheme" in result.stderr


def test_development_settings_start_without_any_variable_but_debug(tmp_path):
    result = _start(DJANGO_DEBUG="1", OPSPLAN_VAR_DIR=str(tmp_path))
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    ("method", "raw", "expected"),
    [
        ("bool", "yes", True), ("bool", "0", False), ("bool", "Off", False),
        ("int", " 42 ", 42),
        ("list", "a, b,,c", ["a", "b", "c"]),
        ("url", "redis://h:6379/0", "redis://h:6379/0"),
    ],
)
def test_env_parses_typed_values(method, raw, expected):
    assert getattr(Env({"X": raw}), method)("X") == expected


@pytest.mark.parametrize(
    ("method", "raw", "message"),
    [
        ("bool", "perhaps", "X must be a boolean"),
        ("int", "4.5", "X must be an integer"),
        ("url", "no-scheme", "X must be a URL"),
    ],
)
def test_env_errors_name_the_variable(method, raw, message):
    with pytest.raises(ImproperlyConfigured, match=message):
        getattr(Env({"X": raw}), method)("X")


def test_env_required_and_empty_values():
    with pytest.raises(ImproperlyConfigured, match="X is required but not set"):
        Env({}).str("X")
    assert Env({"X": "  "}).int("X", 7) == 7  # empty counts as unset


def test_production_settings_pass_deploy_checks():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
        env={"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/tmp"),
             "DJANGO_DEBUG": "0", "DJANGO_ALLOWED_HOSTS": "opsplan.example.com",
             "DJANGO_SECRET_KEY": "k" * 20 + "0123456789abcdefghijklmnopqrstuvwxyzABCDEF"},
    )
    assert result.returncode == 0, result.stdout + result.stderr


def _shell(code, **env_vars):
    env = {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/tmp"),
           "DJANGO_DEBUG": "1", **env_vars}
    return subprocess.run([sys.executable, "manage.py", "shell", "-c", code], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=120)


def test_the_embedded_default_cache_is_shared_by_the_processes(tmp_path):
    """Without Redis, the web workers, the Celery worker and beat still see one cache (a
    session ended, a role changed or a dashboard refreshed in one is so in all)."""
    put = "from django.core.cache import cache; cache.set('shared-key', 'seen', 60)"
    get = "from django.core.cache import cache; print(cache.get('shared-key'))"
    assert _shell(put, OPSPLAN_VAR_DIR=str(tmp_path)).returncode == 0
    result = _shell(get, OPSPLAN_VAR_DIR=str(tmp_path))
    assert result.stdout.strip().splitlines()[-1] == "seen", result.stderr
    assert (tmp_path / "cache").is_dir()
    alone = _shell(get, OPSPLAN_VAR_DIR=str(tmp_path), OPSPLAN_CACHE_IN_MEMORY="1")
    assert alone.stdout.strip().splitlines()[-1] == "None", alone.stderr
