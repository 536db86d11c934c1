"""A Redis cache that degrades to "always a miss" while Redis is unreachable.

The cache only speeds things up and counts API throttling; losing Redis must not turn every
page into a 500. Every operation that fails with a Redis connection error or time-out is
logged (once a minute at most) and answered as if the key were absent; writes are dropped.
Short socket time-outs (``OPTIONS`` in settings) keep a dead Redis from stalling requests.
"""

from __future__ import annotations

import functools
import logging
import time

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)
UNREACHABLE = (RedisConnectionError, RedisTimeoutError, OSError)
_last_warning = [0.0]


def _warn(operation: str, exc: Exception) -> None:
    now = time.monotonic()
    if now - _last_warning[0] > 60:
        _last_warning[0] = now
        logger.warning("cache unreachable (%s: %s); serving without it", operation, exc)


def _degrading(default_of):
    """Wrap a cache method: on an unreachable Redis return ``default_of(args, kwargs)``."""
    def decorate(method):
        @functools.wraps(method)
        def wrapper(self, *args, **kwargs):
            try:
                return method(self, *args, **kwargs)
            except UNREACHABLE as exc:
                _warn(method.__name__, exc)
                return default_of(args, kwargs)
        return wrapper
    return decorate


def _default(args, kwargs):
    return kwargs.get("default", args[1] if len(args) > 1 else None)


class ResilientRedisCache(RedisCache):
    get = _degrading(_default)(RedisCache.get)
    get_many = _degrading(lambda a, k: {})(RedisCache.get_many)
    has_key = _degrading(lambda a, k: False)(RedisCache.has_key)
    add = _degrading(lambda a, k: False)(RedisCache.add)
    set = _degrading(lambda a, k: None)(RedisCache.set)
    set_many = _degrading(lambda a, k: list(a[0]) if a else [])(RedisCache.set_many)
    touch = _degrading(lambda a, k: False)(RedisCache.touch)
    delete = _degrading(lambda a, k: False)(RedisCache.delete)
    delete_many = _degrading(lambda a, k: None)(RedisCache.delete_many)
    clear = _degrading(lambda a, k: False)(RedisCache.clear)

    def incr(self, key, delta=1, version=None):
        try:
            return super().incr(key, delta, version)
        except UNREACHABLE as exc:
            _warn("incr", exc)
            raise ValueError(f"Key '{key}' not found (cache unreachable)") from exc
