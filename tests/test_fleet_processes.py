"""The fleet simulator in two processes, closed loop (bench/fleet.py --processes 2
--closed-loop): the children's results merge into one report, and every session and meter value
the two processes sent is in the database exactly once."""

import csv
import re

from bench import fleet
from tests.factories import make_tenant


async def test_two_simulator_processes_in_a_closed_loop_merge_into_one_exact_report(
        server, capsys, tmp_path):
    tenant = make_tenant("fleet processes")
    trace = tmp_path / "trace.csv"
    code = await fleet.main([
        "--ws", f"{server.ws}/ocpp/{tenant.slug}", "--tenant", tenant.slug,
        "--stations", "4", "--ocpp-mix", "0.5", "--rate", "20", "--duration", "8",
        "--charging-share", "1", "--warmup", "1", "--progress", "3",
        "--processes", "2", "--closed-loop", "--server-pids", str(server.process.pid),
        "--trace", str(trace),
    ])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "4 established, 0 dropped" in out
    assert "database: 4 sessions (sent 4)" in out and "every one stored exactly once" in out
    assert "simulator GC after the ramp-up (2 processes):" in out
    for window in ("whole run", "ramp", "steady state", "wind-down"):
        assert f"\n{window} (" in out
    assert int(re.search(r"(\d+) MeterValues \(sent", out).group(1)) > 4  # back to back
    answered = int(re.search(r"CALLs: \d+ sent, (\d+) answered", out).group(1))
    rows = list(csv.DictReader(trace.open()))  # both processes' answers, merged in time order
    assert len(rows) == answered
    assert {"StartTransaction", "TransactionEvent", "MeterValues"} <= {r["action"] for r in rows}
    assert [float(r["seconds"]) for r in rows] == sorted(float(r["seconds"]) for r in rows)
