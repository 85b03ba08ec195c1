"""A small run of the fleet simulator (bench/fleet.py) against the real server: no error, and
every session and meter value it sent is in the database exactly once."""

import csv
import gc
import re

from bench import fleet
from tests.factories import make_tenant


async def test_a_small_fleet_runs_without_error_and_is_persisted_exactly_once(server, capsys,
                                                                               tmp_path):
    tenant = make_tenant("fleet")
    thresholds = gc.get_threshold()
    trace = tmp_path / "trace.csv"
    code = await fleet.main([
        "--ws", f"{server.ws}/ocpp/{tenant.slug}", "--tenant", tenant.slug,
        "--stations", "50", "--rate", "50", "--duration", "15", "--heartbeat", "3",
        "--charging-share", "0.6", "--meter-interval", "1", "--session-length", "6",
        "--server-pids", str(server.process.pid), "--progress", "5", "--trace", str(trace),
    ])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "every one stored exactly once" in out
    assert "50 established, 0 dropped" in out
    assert "simulator GC after the ramp-up:" in out
    assert gc.get_threshold() == thresholds and gc.get_freeze_count() == 0  # the collector as it was
    assert "MeterValues" in out and "StartTransaction" in out
    answered = int(re.search(r"CALLs: \d+ sent, (\d+) answered", out).group(1))
    rows = list(csv.DictReader(trace.open()))  # --trace: one row per answer, in answer order
    assert len(rows) == answered
    assert {"BootNotification", "MeterValues", "StopTransaction"} <= {r["action"] for r in rows}
    assert all(float(r["latency_ms"]) >= 0 for r in rows)
    assert [float(r["seconds"]) for r in rows] == sorted(float(r["seconds"]) for r in rows)
