"""A Redis cache that degrades to "always a miss" while Redis is unreachable, and that reuses
its Redis clients.

The cache only speeds things up and counts API throttling; losing Redis must not turn every
page into a 500. Every operation that fails with a Redis connection error or time-out is
logged (once a minute at most) and answered as if the key were absent; writes are dropped.
Short socket time-outs (``OPTIONS`` in settings) keep a dead Redis from stalling requests.
"""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import Callable, Iterable
from contextvars import ContextVar

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
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


class ReusingRedisCacheClient(RedisCacheClient):
    """Django's client, keeping one ``redis.Redis`` per connection pool.

    Django builds a new ``redis.Redis`` for every operation; redis-py's constructor builds its
    response-callback table each time, which cost about 0.2 ms per cache call, as much as the
    round trip itself (six calls on a cached dashboard page). A ``redis.Redis`` over a pool is
    safe to share between threads, and the pool reconnects after a fork.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class ResilientRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusingRedisCacheClient

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


# --- small shared keys read once per request, several in one round trip ---------------------
#
# A page reads a few small keys on every request: the generations that key the roles and the
# dashboards, the person's unread count. ``ReadAheadMiddleware`` fetches them with one
# ``get_many`` as soon as the session names the person; :func:`read` then answers from that
# request's copy, and :func:`written` keeps the copy true after the request's own writes.
# Outside a request (tasks, shells, tests calling services) :func:`read` asks the cache.

_ABSENT = object()
_reads: ContextVar[dict | None] = ContextVar("opsplan_cache_reads", default=None)
_read_ahead: list[Callable[[str], Iterable[str]]] = []


def read_ahead(keys_of: Callable[[str], Iterable[str]]) -> Callable[[str], Iterable[str]]:
    """Register ``keys_of(user_id)``: keys every signed-in request reads (apps' ``ready``)."""
    if keys_of not in _read_ahead:
        _read_ahead.append(keys_of)
    return keys_of


def read(key: str, default=None):
    """The shared cache's value of ``key``, read at most once per request."""
    from django.core.cache import cache

    memo = _reads.get()
    if memo is not None and key in memo:
        value = memo[key]
    else:
        value = cache.get(key, _ABSENT)
        if memo is not None:
            memo[key] = value  # a miss too: read once
    return default if value is _ABSENT else value


def generation(key: str) -> int:
    """A generation counter's current value (read once per request, see :func:`read`).

    A missing counter (never set, evicted, culled, or the cache unreachable) starts a new
    generation instead of falling back to a constant, so entries kept under an older value can
    never be current again: ``add`` stores the new value unless another process just did, and
    while the cache is unreachable each request gets a value of its own (every read a miss).
    """
    from django.core.cache import cache

    value = read(key)
    if value is None:
        fresh = time.time_ns()
        cache.add(key, fresh, None)
        value = cache.get(key) or fresh
        written(key, value)
    return value


def new_generation(key: str) -> int:
    """Start a new generation of ``key``: everything cached under the old one is left behind."""
    from django.core.cache import cache

    value = time.time_ns()
    cache.set(key, value, None)
    written(key, value)
    return value


def read_many(keys: Iterable[str]) -> None:
    """Fetch into this request's copy, in one round trip, the keys it has not read yet."""
    from django.core.cache import cache

    memo = _reads.get()
    if memo is None:
        return
    wanted = [key for key in dict.fromkeys(keys) if key not in memo]
    if wanted:
        found = cache.get_many(wanted)
        for key in wanted:
            memo[key] = found.get(key, _ABSENT)


def written(key: str, value=_ABSENT) -> None:
    """This request set ``key`` to ``value`` (or deleted it, no value): later reads see it."""
    memo = _reads.get()
    if memo is not None:
        memo[key] = value


class ReadAheadMiddleware:
    """One request's copy of the small keys (see :func:`read`), the registered ones fetched
    in one round trip when the session names a signed-in person. After SessionMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.contrib.auth import SESSION_KEY

        token = _reads.set({})
        try:
            session = getattr(request, "session", None)
            user_id = session.get(SESSION_KEY) if session is not None else None
            if user_id is not None and _read_ahead:
                read_many(key for keys_of in _read_ahead for key in keys_of(str(user_id)))
            return self.get_response(request)
        finally:
            _reads.reset(token)
