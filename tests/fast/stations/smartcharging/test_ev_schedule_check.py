"""A car's proposed schedule against the profile we gave (stations/smartcharging/ev_needs.py,
docs/smart-charging.md §7): period by period at the same offset, W taken per phase at 230 V."""

from stations.smartcharging.ev_needs import exceeding


def schedule(unit: str, *periods: tuple[int, float, int | None]) -> dict:
    return {"chargingRateUnit": unit, "chargingSchedulePeriod": [
        {"startPeriod": start, "limit": limit} | ({"numberPhases": n} if n else {})
        for start, limit, n in periods]}


OURS = schedule("A", (0, 16.0, None), (1800, 10.0, None))


def test_a_schedule_within_ours_at_every_offset_is_fine():
    assert exceeding(schedule("A", (0, 16.0, None), (1800, 8.0, None)), OURS) == ""


def test_a_period_asking_more_than_ours_in_force_then_is_named():
    assert exceeding(schedule("A", (0, 12.0, None), (2400, 12.0, None)), OURS) == (
        "the period at 2400 s asks 12.0 A per phase, the profile gives 10.0 A")


def test_watts_are_taken_per_phase_at_230_v():
    assert exceeding(schedule("W", (0, 11040.0, 3)), OURS) == ""  # 16.0 A
    assert exceeding(schedule("W", (0, 3680.0, 1)), OURS) == ""  # 16.0 A on one phase
    assert "asks 17.0 A" in exceeding(schedule("W", (0, 11730.0, None)), OURS)


def test_rounding_of_a_tenth_of_an_ampere_is_allowed():
    assert exceeding(schedule("A", (0, 16.1, None)), OURS) == ""
    assert exceeding(schedule("A", (0, 16.2, None)), OURS) != ""
