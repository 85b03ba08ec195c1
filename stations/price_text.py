"""The price line a driver is told at a 2.0.1 station (idTokenInfo.personalMessage of an accepted
Authorize or TransactionEvent), from the app that keeps tariffs (the generated line in English,
or the operator's own words for drivers in their language): the station core does not
import billing (docs/architecture.md, the one-way rule; docs/ocpp201.md, tariff text). Billing
provides the line in its `AppConfig.ready()`; without a provider or a tariff, nothing is added.
A token's own personal message (IdTag.personal_message) is left as the operator wrote it."""

from collections.abc import Callable
from typing import NamedTuple

LANGUAGE = "en"  # the generated line is built in English


class PriceLine(NamedTuple):
    content: str
    language: str | None = LANGUAGE  # RFC 5646; None: not said


Text = Callable[[int, int | None], PriceLine | None]  # station id, session id -> line or None
_texts: list[Text] = []


def provide(text: Text) -> None:
    """Register the function that words a station's price (one: a second replaces it)."""
    _texts[:] = [text]


def station_price_text(*, station_id: int, session_id: int | None = None) -> PriceLine | None:
    """The station's price line; within a session, that of the tariff version it runs under."""
    return _texts[0](station_id, session_id) if _texts else None


def with_price_message(info: dict, *, station_id: int, session_id: int | None = None) -> dict:
    """`info` (a 2.0.1 idTokenInfo) with the station's price as its personalMessage when the
    token is Accepted and has no message of its own."""
    if info.get("status") != "Accepted" or "personalMessage" in info:
        return info
    line = station_price_text(station_id=station_id, session_id=session_id)
    if line is None or not line.content:
        return info
    message = {"format": "UTF8", "content": line.content}
    if line.language:
        message["language"] = line.language
    return info | {"personalMessage": message}
