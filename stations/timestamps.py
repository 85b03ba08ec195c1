"""Station clocks are often wrong: keep their stamps, but trust them only when plausible."""

from datetime import UTC, datetime, timedelta

# A station stamp more than this far ahead of our clock is wrong; so is one before EARLIEST.
MAX_AHEAD = timedelta(minutes=5)
EARLIEST = datetime(2015, 1, 1, tzinfo=UTC)


def parse(value: str | None) -> datetime | None:
    if not value:
        return None
    stamp = datetime.fromisoformat(value)
    if stamp.tzinfo is None:
        stamp = stamp.replace(tzinfo=UTC)
    return stamp.astimezone(UTC)


def effective(station_stamp: datetime | None, received_at: datetime) -> datetime:
    """The time we record: the station's when plausible (offline queues send old stamps),
    else the time we received the message."""
    if station_stamp is None or station_stamp < EARLIEST or station_stamp > received_at + MAX_AHEAD:
        return received_at
    return station_stamp
