"""Steps the Core conformance scenarios share: the central system's side, seen through the API."""

from datetime import UTC, datetime, timedelta

from stations.models import OcppMessage
from tests.factories import eventually


def iso(dt: datetime) -> str:
    return dt.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def ago(minutes: float) -> datetime:
    return datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=minutes)


async def command(api, station, action: str, payload: dict | None = None) -> dict:
    """Make the central system send `action`; return the station's answer as the API gives it."""
    response = await api.post(f"/api/v1/stations/{station.identity}/commands/",
                              json={"action": action, "payload": payload or {}})
    assert response.status_code == 200, response.text
    return response.json()["response"]


async def connector_status(api, station, connector_id: int, expected: str) -> dict:
    """Wait until the API shows `connector_id` in `expected` status; return the connector."""
    async def shown():
        body = (await api.get(f"/api/v1/stations/{station.identity}/")).json()
        found = [c for c in body["connectors"] if c["connector_id"] == connector_id]
        return found[0] if found and found[0]["status"] == expected else None

    return await eventually(shown)


async def session_stopped(api, session_id: int, reason: str) -> dict:
    async def stopped():
        body = (await api.get(f"/api/v1/sessions/{session_id}/")).json()
        return body if body["stopped_at"] and body["stop_reason"] == reason else None

    return await eventually(stopped)


def frames(octt, **filters):
    """The station's frames logged since the case began."""
    return OcppMessage.objects.filter(station=octt.station, created_at__gte=octt.began, **filters)


async def answered(octt, action: str) -> list[dict]:
    """The central system's answers to the station's `action` CALLs since the case began, from
    the frame log."""
    def logged():
        calls = frames(octt, direction="in", action=action,
                       message_type=2).values_list("unique_id", flat=True)
        results = list(frames(octt, direction="out", message_type=3, unique_id__in=list(calls))
                       .order_by("created_at").values_list("payload", flat=True))
        return results if results and len(results) == len(calls) else None

    return await eventually(logged)


async def logged_command(octt, action: str) -> tuple[dict, dict]:
    """(request, response) of the last `action` CALL the central system sent in this case, from
    the frame log."""
    def logged():
        sent = frames(octt, direction="out", action=action,
                      message_type=2).order_by("-created_at").first()
        if sent is None:
            return None
        reply = frames(octt, direction="in", message_type=3, unique_id=sent.unique_id).first()
        return (sent.payload, reply.payload) if reply else None

    return await eventually(logged)
