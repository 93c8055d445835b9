"""Django's Redis cache, with Redis down treated as an empty cache that keeps nothing.

Pages read through the cache and fall back to PostgreSQL, so a cache that is down only makes
them slower. allauth's rate limits and the per-account login-failure count keep their
counters here too: while Redis is down they fail open (nothing is counted, nothing is
refused). After a failure the cache is skipped for a few seconds, so a Redis that hangs costs
one timeout, not one per call; the next call after that tries Redis again.
"""

import functools
import logging
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, NoReturn

import redis
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

if TYPE_CHECKING:
    from redis import Redis

logger = logging.getLogger(__name__)

SKIP_SECONDS = 5.0


_Method = Callable[..., Any]


def _forgiving(down_value: Callable[..., Any]) -> Callable[[_Method], _Method]:
    """Run the cache call; on a Redis error log it and return ``down_value(args)``."""

    def wrap(method: _Method) -> _Method:
        @functools.wraps(method)
        def call(self: "ForgivingRedisCache", *args: Any, **kwargs: Any) -> Any:
            if time.monotonic() < self._down_until:
                return down_value(*args, **kwargs)
            try:
                return method(self, *args, **kwargs)
            except RedisError as exc:
                self._down_until = time.monotonic() + SKIP_SECONDS
                logger.warning("cache unavailable, treated as a miss: %s", exc)
                return down_value(*args, **kwargs)

        return call

    return wrap


def _missing_key(key: str, *args: Any, **kwargs: Any) -> NoReturn:
    raise ValueError(f"Key '{key}' not found.")


class ForgivingRedisCache(RedisCache):
    """RedisCache whose every call succeeds while Redis is down: reads miss, writes are
    dropped, ``add`` reports success (a lock taken through ``add`` is granted, so callers such
    as allauth's rate limits go on) and ``incr`` finds no key."""

    _down_until = 0.0

    add = _forgiving(lambda *a, **k: True)(RedisCache.add)
    get = _forgiving(lambda key, default=None, *a, **k: default)(RedisCache.get)
    set = _forgiving(lambda *a, **k: None)(RedisCache.set)
    touch = _forgiving(lambda *a, **k: False)(RedisCache.touch)
    delete = _forgiving(lambda *a, **k: False)(RedisCache.delete)
    get_many = _forgiving(lambda *a, **k: {})(RedisCache.get_many)
    has_key = _forgiving(lambda *a, **k: False)(RedisCache.has_key)
    incr = _forgiving(_missing_key)(RedisCache.incr)
    set_many = _forgiving(lambda data, *a, **k: list(data))(RedisCache.set_many)
    delete_many = _forgiving(lambda *a, **k: None)(RedisCache.delete_many)
    clear = _forgiving(lambda *a, **k: False)(RedisCache.clear)


@functools.cache
def _client(url: str) -> "Redis":
    return redis.Redis.from_url(url, socket_connect_timeout=0.5, socket_timeout=0.5)


def redis_answers(url: str) -> bool:
    """Whether the Redis at ``url`` answers a PING within half a second. One round trip on
    a kept connection."""
    try:
        return bool(_client(url).ping())
    except RedisError:
        return False
