"""Settings come from the environment, and the production profile is deploy-ready."""

import os
import subprocess
import sys
from pathlib import Path

import environ
import pytest

BASE_DIR = Path(__file__).resolve().parents[2]


def run_manage(*args, **env):
    skip = {"DATABASE_URL", "REDIS_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}  # the tests' own settings
    clean = {k: v for k, v in os.environ.items() if k not in skip}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_profile_passes_check_deploy_without_warnings():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_SETTINGS_MODULE="portal.settings.production",
        SECRET_KEY="x" * 20 + "-a-long-random-production-secret-0123456789abcdef",
        ALLOWED_HOSTS="portal.homestart.example",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    result = run_manage(
        "check",
        DJANGO_SETTINGS_MODULE="portal.settings.production",
        SECRET_KEY="",
        ALLOWED_HOSTS="x",
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, {"engine": "django.db.backends.sqlite3", "broker": "orm", "cache": "DatabaseCache"}),
        (
            {
                "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/homestart",
                "REDIS_URL": "redis://127.0.0.1:6379/0",
            },
            {"engine": "django.db.backends.postgresql", "broker": "redis", "cache": "RedisCache"},
        ),
    ],
)
def test_database_broker_and_cache_follow_the_environment(env, expected):
    code = (
        "from django.conf import settings as s;"
        "print(s.DATABASES['default']['ENGINE']);"
        "print('redis' if 'redis' in s.Q_CLUSTER else 'orm');"
        "print(s.CACHES['default']['BACKEND'].rsplit('.', 1)[1]);"
        "print(s.DATABASES['default'].get('OPTIONS', {}).get('transaction_mode'))"
    )
    result = run_manage("shell", "-c", code, DJANGO_SETTINGS_MODULE="portal.settings.dev", **env)
    assert result.returncode == 0, result.stderr
    engine, broker, cache, mode = result.stdout.split()[-4:]
    assert (engine, broker, cache) == (expected["engine"], expected["broker"], expected["cache"])
    if engine.endswith("sqlite3"):
        assert mode == "IMMEDIATE"


def test_django_q2_never_runs_forever_nor_retries_forever():
    from django.conf import settings

    q = settings.Q_CLUSTER
    assert 0 < q["timeout"] < q["retry"]
    assert q["max_attempts"] > 0
    assert q["ack_failures"] is True
    assert q["catch_up"] is False


def test_email_url_configures_smtp():
    parsed = environ.Env.email_url_config("smtp+tls://user:pw@mail.example:587")
    assert parsed["EMAIL_HOST"] == "mail.example" and parsed["EMAIL_USE_TLS"] is True


def test_the_development_key_is_made_once_per_checkout_and_never_in_the_repository(tmp_path):
    from portal.settings.dev import local_secret_key

    path = tmp_path / ".secret_key"
    key = local_secret_key(path)
    assert len(key) >= 50
    assert local_secret_key(path) == key  # kept: sessions survive a restart
    assert path.stat().st_mode & 0o777 == 0o600
    assert local_secret_key(tmp_path / "other") != key
    tracked = subprocess.run(
        ["git", "grep", "-l", "-F", "-e", key, "--", "."],
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
    )
    assert tracked.stdout == ""
    ignored = subprocess.run(
        ["git", "check-ignore", ".secret_key"], cwd=BASE_DIR, capture_output=True, text=True
    )
    assert ignored.returncode == 0, "the checkout's key file must stay out of git"


def test_the_development_profile_reads_its_key_from_the_local_file():
    code = "from django.conf import settings as s; print(s.SECRET_KEY)"
    result = run_manage(
        "shell", "-c", code, DJANGO_SETTINGS_MODULE="portal.settings.dev", SECRET_KEY=""
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-1] == (BASE_DIR / ".secret_key").read_text().strip()
