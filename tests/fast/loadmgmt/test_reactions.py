"""What load management asks for when a station reports, from the link's memo alone: a station
known to be in no group costs nothing (no follow-up, no query); one in a group, or whose group
the link has not learnt yet, gets a follow-up that rebalances (learning the group first)."""

from decimal import Decimal

from loadmgmt import reactions
from loadmgmt.rebalance import MEMO_GROUP
from stations.models import Station

STATION = Station(pk=1, tenant_id=1, identity="CP-1")
CURRENT = [{"measurand": "Current.Import", "value": Decimal(16)}]


def follow_ups(memo: dict) -> list:
    return [reactions.on_boot(STATION, memo),
            reactions.on_transaction(STATION, started=True, memo=memo),
            reactions.on_status(STATION, 1, "Charging", memo),
            reactions.on_meter_values(STATION, 1, CURRENT, memo)]


def test_a_station_known_to_be_in_no_group_asks_for_nothing():
    assert follow_ups({MEMO_GROUP: None}) == [None, None, None, None]


def test_a_station_in_a_group_asks_for_a_rebalance_on_each_report():
    assert all(callable(f) for f in follow_ups({MEMO_GROUP: 7}))


def test_a_link_that_has_not_learnt_the_group_yet_asks_too():
    assert all(callable(f) for f in follow_ups({}))


def test_a_status_seen_before_asks_for_nothing():
    memo = {MEMO_GROUP: 7}
    reactions.on_status(STATION, 1, "Charging", memo)
    assert reactions.on_status(STATION, 1, "Charging", memo) is None
