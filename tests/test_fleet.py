"""A small run of the fleet simulator (bench/fleet.py) against the real server: no error, and
every session and meter value it sent is in the database exactly once."""

from bench import fleet
from tests.factories import make_tenant


async def test_a_small_fleet_runs_without_error_and_is_persisted_exactly_once(server, capsys):
    tenant = make_tenant("fleet")
    code = await fleet.main([
        "--ws", f"{server.ws}/ocpp/{tenant.slug}", "--tenant", tenant.slug,
        "--stations", "50", "--rate", "50", "--duration", "15", "--heartbeat", "3",
        "--charging-share", "0.6", "--meter-interval", "1", "--session-length", "6",
        "--server-pids", str(server.process.pid), "--progress", "5",
    ])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "every one stored exactly once" in out
    assert "50 established, 0 dropped" in out
    assert "MeterValues" in out and "StartTransaction" in out
