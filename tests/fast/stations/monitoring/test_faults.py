"""The fault rule of 2.0.1 events (stations/monitoring/faults.py), without a station: which
event is a fault, which connector it shows on, and that the latest event of each component
decides, whatever order the events came in and however often (docs/ocpp201.md, monitoring and
events)."""

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from stations.monitoring import faults
from stations.services.evses import SECOND_CONNECTORS_FROM

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def test_a_problem_set_or_a_faulted_state_of_a_charging_point_component_is_a_fault():
    def fault(variable, value, cleared=False):
        return faults.is_fault(variable=variable, actual_value=value, trigger="Delta",
                               cleared=cleared, severity=None)

    assert fault("Problem", "true") and fault("Problem", " TRUE ")
    assert not fault("Problem", "false") and not fault("Problem", "true", cleared=True)
    assert fault("AvailabilityState", "Faulted") and not fault("AvailabilityState", "Available")
    assert faults.concerns_faults(component="Connector", variable="Problem", trigger="Delta",
                                  severity=None)
    assert not faults.concerns_faults(component="ConnectorPlugRetentionLock", variable="Problem",
                                      trigger="Delta", severity=None)


def test_a_monitor_alerting_is_a_fault_up_to_the_configured_severity(settings):
    settings.EVENT_FAULT_SEVERITY = 2

    def alerting(severity, trigger="Alerting"):
        return faults.is_fault(variable="Power", actual_value="23000", trigger=trigger,
                               cleared=False, severity=severity)

    assert alerting(0) and alerting(2)
    assert not alerting(3) and not alerting(None) and not alerting(1, trigger="Periodic")
    assert not faults.concerns_faults(component="EVSE", variable="Power", trigger="Alerting",
                                      severity=5)


def test_a_fault_shows_on_its_connector_and_a_station_wide_one_on_connector_zero():
    assert faults.connector_of(None, None) == 0
    assert faults.connector_of(2, None) == faults.connector_of(2, 1) == 2
    assert faults.connector_of(1, 2) == 1 + SECOND_CONNECTORS_FROM
    assert faults.connector_of(-1, None) is None and faults.connector_of(2**31 - 1, 3) is None
    assert faults.error_code("") == "OtherError"
    assert faults.error_code("x" * 40) == "x" * 30


def seen(n: int, fault: bool, key: str = "Connector.Problem") -> faults.Seen:
    return faults.Seen(key=(key,), timestamp=T0 + timedelta(seconds=n), event_id=n, fault=fault,
                       tech_code=f"E{n}")


@given(flags=st.lists(st.booleans(), min_size=1, max_size=8), data=st.data())
def test_the_latest_event_of_each_component_decides_in_any_order_and_repeated(flags, data):
    events = [seen(n, flag, key=f"k{n % 2}") for n, flag in enumerate(flags)]
    arrived = data.draw(st.permutations(events + data.draw(st.lists(st.sampled_from(events),
                                                                    max_size=4))))
    latest = {}
    for event in events:
        latest[event.key] = event
    expected = [e for e in latest.values() if e.fault]
    active = faults.active_fault(arrived)
    assert active == (max(expected, key=lambda e: e.timestamp) if expected else None)
