"""Production settings: Django's deploy check passes, weak secrets and a missing SITE_URL
are refused, HTTPS is enforced, and a missing Redis is said at start-up."""

import os
import secrets
import subprocess
import sys

from django.conf import settings

PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "bzpeer.example.org",
    "SITE_URL": "https://bzpeer.example.org",
}
# Also what the browser tests set for themselves (DJANGO_ALLOW_ASYNC_UNSAFE turns a check off).
UNSET = {
    "DEBUG",
    "SECRET_KEY",
    "SITE_URL",
    "ALLOWED_HOSTS",
    "SECURE_SSL_REDIRECT",
    "REDIS_URL",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
}


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if k not in UNSET}
    base.pop("DJANGO_SETTINGS_MODULE", None)
    return subprocess.run(  # noqa: S603 (a fixed command line)
        [sys.executable, "manage.py", *args],
        env={**base, **env},
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
        timeout=120,
        check=False,
    )


def read(name: str, **env: str) -> str:
    code = f"from django.conf import settings; print(settings.{name})"
    return manage("shell", "-c", code, **env).stdout.strip().splitlines()[-1]


def test_the_deploy_check_passes_in_production_settings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_https_is_enforced_by_default_and_can_be_switched_off():
    assert read("SECURE_SSL_REDIRECT", **PRODUCTION) == "True"
    assert read("SECURE_HSTS_SECONDS", **PRODUCTION) == "31536000"
    assert read("SECURE_SSL_REDIRECT", **PRODUCTION, SECURE_SSL_REDIRECT="false") == "False"
    assert read("SECURE_HSTS_SECONDS", **PRODUCTION, SECURE_HSTS_SECONDS="0") == "0"
    assert read("SECURE_SSL_REDIRECT", DEBUG="1") == "False"


def test_a_weak_secret_key_is_refused():
    for weak in ("", "changeme", "django-insecure-" + "x" * 50, "ab" * 30):
        result = manage("check", **{**PRODUCTION, "SECRET_KEY": weak})
        assert result.returncode != 0, weak
        assert "SECRET_KEY must be set when DEBUG is off: 50 or more" in result.stderr, weak


def test_site_url_is_required_in_production():
    env = {k: v for k, v in PRODUCTION.items() if k != "SITE_URL"}
    result = manage("check", **env)
    assert result.returncode != 0
    assert "SITE_URL must be set when DEBUG is off" in result.stderr


def test_production_without_redis_says_so_at_start_up():
    result = manage("check", **PRODUCTION)
    assert result.returncode == 0
    assert "REDIS_URL is not set: rate limits and the cache are per process" in result.stderr
