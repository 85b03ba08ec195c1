"""A tiny mixed fleet (bench/fleet.py --ocpp-mix): OCPP 1.6 and 2.0.1 stations side by side
against the real server, every one charging; no error, and every session and meter value of
both versions is in the database exactly once."""

import re

from bench import fleet
from stations.models import ChargingSession, Station
from tests.factories import make_tenant


async def test_a_mixed_1_6_and_2_0_1_fleet_runs_without_error_and_is_persisted_exactly_once(
        server, capsys):
    tenant = make_tenant("mixed fleet")
    code = await fleet.main([
        "--ws", f"{server.ws}/ocpp/{tenant.slug}", "--tenant", tenant.slug,
        "--stations", "4", "--ocpp-mix", "0.5", "--rate", "20", "--duration", "8",
        "--heartbeat", "2", "--charging-share", "1", "--meter-interval", "1",
        "--session-length", "4", "--server-pids", str(server.process.pid), "--progress", "5",
        "--warmup", "0",
    ])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "fleet: 2 OCPP 1.6 and 2 OCPP 2.0.1 stations" in out
    assert "every one stored exactly once" in out
    assert "4 established, 0 dropped" in out
    assert "TransactionEvent" in out and "StartTransaction" in out
    sent = int(re.search(r"database: (\d+) sessions", out).group(1))
    assert sent >= 4
    versions = dict(Station.objects.filter(tenant=tenant).values_list("identity", "ocpp_version"))
    assert sorted(versions.values()) == ["1.6", "1.6", "2.0.1", "2.0.1"]
    by_version = {version: ChargingSession.objects.filter(
        station__tenant=tenant, station__ocpp_version=version, stopped_at__isnull=False).count()
        for version in ("1.6", "2.0.1")}
    assert by_version["1.6"] >= 2 and by_version["2.0.1"] >= 2
    # The fleet's one card runs all four stations' sessions at once (fleetstations): none refused
    assert set(ChargingSession.objects.filter(station__tenant=tenant)
               .values_list("id_tag_status", flat=True)) == {"Accepted"}
