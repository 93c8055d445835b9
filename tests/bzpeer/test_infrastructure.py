import os
import subprocess
import sys
import uuid

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection

from tests.conftest import PRODUCTION_ENV, need


@pytest.mark.django_db
def test_the_database_is_postgresql_with_pooled_connections():
    assert connection.vendor == "postgresql"
    assert settings.DATABASES["default"]["OPTIONS"]["pool"]
    assert connection.pool is not None
    with connection.cursor() as cursor:
        cursor.execute("SELECT extname FROM pg_extension WHERE extname = 'pg_trgm'")
        assert cursor.fetchone() == ("pg_trgm",)


def test_the_cache_and_broker_are_redis_when_redis_url_is_set():
    need(bool(os.environ.get("REDIS_URL")), "REDIS_URL is not set")
    assert settings.CACHES["default"]["BACKEND"].endswith("RedisCache")
    assert settings.CELERY_BROKER_URL == os.environ["REDIS_URL"]
    key = f"probe-{uuid.uuid4()}"
    cache.set(key, {"ok": 1}, 30)
    assert cache.get(key) == {"ok": 1}
    import redis

    client = redis.Redis.from_url(os.environ["REDIS_URL"])
    assert any(key in k.decode() for k in client.keys("*probe-*"))
    cache.delete(key)


def read_settings(env: dict, *names: str) -> subprocess.CompletedProcess:
    """Load bzpeer.settings in a fresh interpreter with this environment."""
    code = "from bzpeer import settings as s; print(" + ", ".join(f"s.{n}" for n in names) + ")"
    unset = {"REDIS_URL", "DEBUG", "SECRET_KEY", "SITE_URL", "SECURE_SSL_REDIRECT"}
    base = {k: v for k, v in os.environ.items() if k not in unset}
    return subprocess.run(  # noqa: S603
        [sys.executable, "-c", code],
        env={**base, **env},
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
        check=False,
    )


def test_without_redis_the_cache_is_local_memory_and_the_broker_a_folder():
    """Tasks still go through a broker, to the worker `make run` starts: none runs in a
    request (tests/bzpeer/test_serve.py)."""
    result = read_settings(PRODUCTION_ENV, "CACHES['default']['BACKEND']", "CELERY_BROKER_URL")
    assert result.stdout.split() == [
        "django.core.cache.backends.locmem.LocMemCache",
        "filesystem://",
    ]


def test_with_redis_the_cache_and_broker_are_redis():
    result = read_settings(
        {**PRODUCTION_ENV, "REDIS_URL": "redis://127.0.0.1:6379/3"},
        "CACHES['default']['BACKEND']",
        "CELERY_BROKER_URL",
    )
    assert result.stdout.split() == [
        "bzpeer.lib.cache.ForgivingRedisCache",
        "redis://127.0.0.1:6379/3",
    ]


def test_a_missing_secret_key_is_refused_when_debug_is_off():
    result = read_settings({"DEBUG": "false"}, "DEBUG")
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr
    assert read_settings({"DEBUG": "true"}, "DEBUG").stdout.strip() == "True"
