import pytest

from tests.processes import redis_server


@pytest.fixture
def own_redis(settings):
    """The site's cache and broker on a redis-server of this test's own, which the test may
    stop and start."""
    with redis_server() as server:
        settings.REDIS_URL = server.url
        settings.CELERY_BROKER_URL = server.url
        settings.CACHES = {
            "default": {
                "BACKEND": "bzpeer.lib.cache.ForgivingRedisCache",
                "LOCATION": server.url,
                "KEY_PREFIX": "bzpeer-faults",
                "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
            }
        }
        yield server
