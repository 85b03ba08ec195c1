"""A 2.0.1 running session's cost is worked out at most every COST_UPDATE_SECONDS per session
and link (stations/ocpp/v201/transactions.py; the CostUpdated it may send goes no more often,
docs/sessions.md); through a real station: tests/conformance/v201/test_i_tariff_and_cost.py."""

from stations.models import Station
from stations.ocpp.link import Link
from stations.ocpp.v201.transactions import _cost_due, _cost_sent


def link() -> Link:
    return Link(Station(pk=1, tenant_id=1, identity="CP"), version="2.0.1")


def test_a_sessions_cost_is_worked_out_once_a_window_each(settings):
    settings.COST_UPDATE_SECONDS = 60
    on = link()
    assert [_cost_due(on, 7), _cost_due(on, 7), _cost_due(on, 8)] == [True, False, True]
    assert _cost_due(link(), 7)  # another link (the station reconnected): its own window


def test_without_a_window_every_meter_value_works_it_out(settings):
    settings.COST_UPDATE_SECONDS = 0
    on = link()
    assert _cost_due(on, 7) and _cost_due(on, 7)


def test_a_cost_is_told_once_until_it_changes():
    on = link()
    assert [_cost_sent(on, 7, 1), _cost_sent(on, 7, 1), _cost_sent(on, 7, 2)] == [True, False, True]
