"""The price line a driver is told at a 2.0.1 station (idTokenInfo.personalMessage of an accepted
Authorize or TransactionEvent), from the app that keeps tariffs: the station core does not
import billing (docs/architecture.md, the one-way rule; docs/ocpp201.md, tariff text). Billing
provides the line in its `AppConfig.ready()`; without a provider or a tariff, nothing is added.
A token's own personal message (IdTag.personal_message) is left as the operator wrote it."""

from collections.abc import Callable

Text = Callable[[int], str | None]  # station id -> its price line, or None
_texts: list[Text] = []
LANGUAGE = "en"  # the line is built in English


def provide(text: Text) -> None:
    """Register the function that words a station's price (one: a second replaces it)."""
    _texts[:] = [text]


def station_price_text(*, station_id: int) -> str | None:
    return _texts[0](station_id) if _texts else None


def with_price_message(info: dict, *, station_id: int) -> dict:
    """`info` (a 2.0.1 idTokenInfo) with the station's price as its personalMessage when the
    token is Accepted and has no message of its own."""
    if info.get("status") != "Accepted" or "personalMessage" in info:
        return info
    text = station_price_text(station_id=station_id)
    if not text:
        return info
    return info | {"personalMessage": {"format": "UTF8", "language": LANGUAGE, "content": text}}
