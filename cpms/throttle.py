"""Failure counters in the cache (Redis in production, so every process counts together): a key
that failed `limit` times within `window` seconds is locked out until the window ends. Only
failures are counted, so a storm of right credentials costs one cache read each."""

from django.core.cache import cache


def locked(keys: list[str], limits: dict[str, int]) -> bool:
    counts = cache.get_many(keys)
    return any(counts.get(key, 0) >= limits[key] for key in keys)


def record_failure(keys: list[str], window: int) -> None:
    for key in keys:
        cache.add(key, 0, timeout=window)  # the window starts at the first failure
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=window)


def forget(key: str) -> None:
    cache.delete(key)
