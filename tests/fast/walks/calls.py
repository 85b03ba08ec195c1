"""A valid write for the audit walk: its URL and body from tenant A's objects."""

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Write:
    """A valid call: its URL and body from the tenant's objects, and the statuses it may answer."""

    call: Callable[[dict], tuple[str, dict]]
    expect: tuple[int, ...] = ()
    multipart: bool = False
    extra: dict = field(default_factory=dict)


def api(url: Callable[[dict], str], body: Callable[[dict], dict] | dict | None = None,
        *expect: int, multipart: bool = False) -> Write:
    return Write(lambda o: (url(o), body(o) if callable(body) else dict(body or {})), expect, multipart)


def page(url: Callable[[dict], str], body: Callable[[dict], dict] | dict | None = None,
         *expect: int) -> Write:
    return api(url, body, *expect)
