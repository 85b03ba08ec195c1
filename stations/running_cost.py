"""A running session's cost so far, as the app that prices sessions computes it: the station
core tells a 2.0.1 station its running cost (TransactionEvent's totalCost, CostUpdated) without
importing billing (docs/architecture.md, the one-way rule; docs/sessions.md). Billing provides
its quote in its `AppConfig.ready()`; without a provider, or without a tariff, there is none."""

from collections.abc import Callable
from decimal import Decimal

Quote = Callable[[int], Decimal | None]  # session id -> gross cost so far, or None
_quotes: list[Quote] = []


def provide(quote: Quote) -> None:
    """Register the function that prices a session so far (one: a second replaces it)."""
    _quotes[:] = [quote]


def session_running_cost(*, session_id: int) -> Decimal | None:
    """The session's cost so far (final once stopped), None where no tariff gives one."""
    return _quotes[0](session_id) if _quotes else None
