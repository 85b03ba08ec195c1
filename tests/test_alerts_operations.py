"""The operations' alerts end to end (docs/alerts.md, conditions): a real charge point over a
real WebSocket reports a failed firmware update, or draws more than its load group's cap, and
the periodic evaluation (alerts.tasks.evaluate_alerts, on the Celery worker with Redis) opens
the alert, then resolves it once the condition clears. The conditions' rules in detail:
tests/fast/alerts/."""

from contextlib import AsyncExitStack
from datetime import UTC, datetime, timedelta

from asgiref.sync import sync_to_async
from ocpp.v16 import call

from alerts.models import Alert, AlertKind, AlertState
from alerts.tasks import evaluate_alerts
from tests.factories import api_client, charge_point, eventually, make_id_tag, make_station, make_tenant
from tests.test_firmware import boot_with, job_of, report, update, upload_firmware
from tests.test_load_management import make_group


@sync_to_async
def alerts_of(tenant, kind: str, state: str = AlertState.OPEN) -> list[Alert]:
    return list(Alert.objects.filter(tenant=tenant, kind=kind, state=state).order_by("key"))


async def evaluate() -> None:
    """One round of the periodic evaluation (eager on the embedded default, on the worker with
    Redis)."""
    await sync_to_async(evaluate_alerts.delay)()


async def test_failed_firmware_updates_are_alerts_until_an_update_installs(server, celery_worker):
    tenant = make_tenant()
    station, password = make_station(tenant)
    kind = AlertKind.FILE_JOB_FAILED
    async with charge_point(server, tenant, station, password) as cp, api_client(server, tenant) as api:
        firmware = await upload_firmware(api)
        first = await update(api, station, firmware)
        await report(cp, "Downloading", "DownloadFailed")
        second = await update(api, station, firmware)
        await report(cp, "Downloading", "Downloaded", "Installing", "InstallationFailed")
        await evaluate()
        failed = await eventually(lambda: _two(alerts_of(tenant, kind)), timeout=20)
        third = await update(api, station, firmware)
        await report(cp, "Downloading", "Downloaded", "Installing", "Installed")
        await boot_with(cp, "2.0.0")
        assert (await job_of(api, station, third))["state"] == "installed"
        await evaluate()
        await eventually(lambda: _none(alerts_of(tenant, kind)), timeout=20)
    by_key = {a.key: a for a in failed}
    download, install = by_key[f"firmware_job:{first['id']}"], by_key[f"firmware_job:{second['id']}"]
    assert download.details["status"] == "DownloadFailed" and download.station_id == station.pk
    assert install.details["status"] == "InstallationFailed"
    assert station.identity in install.title and "failed" in install.title
    resolved = await alerts_of(tenant, kind, AlertState.RESOLVED)
    assert {a.key for a in resolved} == set(by_key)


async def _two(alerts):
    found = await alerts
    return found if len(found) == 2 else None


async def _none(alerts):
    return not await alerts


def sampled(current_a: float) -> list[dict]:
    return [{"value": f"{current_a:.1f}", "measurand": "Current.Import", "unit": "A", "phase": phase}
            for phase in ("L1", "L2", "L3")]


async def draw(cp, minutes_ago: float, current_a: float) -> None:
    """A MeterValues stamped `minutes_ago`: the car drew `current_a` per phase then."""
    stamp = (datetime.now(UTC) - timedelta(minutes=minutes_ago)).isoformat().replace("+00:00", "Z")
    await cp.call(call.MeterValues(connector_id=1, transaction_id=cp.connectors[1].transaction_id,
                                   meter_value=[{"timestamp": stamp, "sampledValue": sampled(current_a)}]))


async def test_cars_drawing_above_the_groups_cap_for_minutes_are_an_alert_until_back_under(
        server, celery_worker):
    tenant = make_tenant()
    pairs = [make_station(tenant) for _ in range(2)]
    tag = make_id_tag(tenant, max_sessions=0)
    kind = AlertKind.LOAD_OVER_CAP
    async with api_client(server, tenant) as api, AsyncExitStack() as stack:
        group = await make_group(api, [s for s, _ in pairs], max_current="32")
        cps = [await stack.enter_async_context(charge_point(server, tenant, s, p)) for s, p in pairs]
        for cp in cps:
            await cp.start_transaction(1, tag.id_tag)
        for minutes_ago in (6, 3, 0):  # two cars ignoring their limits: 40 A on a 32 A cap
            for cp in cps:
                await draw(cp, minutes_ago, 20.0)
        await evaluate()
        alert, = await eventually(lambda: alerts_of(tenant, kind), timeout=20)
        for cp in cps:
            await draw(cp, 0, 12.0)  # they obey: 24 A
        await evaluate()
        await eventually(lambda: _none(alerts_of(tenant, kind)), timeout=20)
    assert alert.key == f"load_group:{group['id']}"
    assert alert.details["cap"] == "32.0" and alert.details["measured"] == "40.0"
    assert datetime.fromisoformat(alert.details["since"]) <= datetime.now(UTC) - timedelta(minutes=5)
