"""A fixed-window rate limit on the cache: enough to stop a flood, cheap to check."""

import time

from django.core.cache import cache


def allow(key: str, *, limit: int, period: int) -> bool:
    """Count one attempt under ``key``; False once ``limit`` attempts fall in one ``period``."""
    window = int(time.time() // period)
    bucket = f"ratelimit:{key}:{window}"
    cache.add(bucket, 0, timeout=period)
    try:
        count = cache.incr(bucket)
    except ValueError:  # the bucket expired between add and incr
        cache.set(bucket, 1, timeout=period)
        count = 1
    return count <= limit
