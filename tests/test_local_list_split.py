"""Local lists cut to the station's limits (stations/authlist/limits.py), live with the real 1.6
and 2.0.1 simulators over a real WebSocket; the simulators enforce the limits as stations do
(1.6: Failed; 2.0.1: a CALLERROR for a message too long, Failed for a list too long). A list
longer than one message goes as the Full update's first part and Differential parts under the
next versions (a station refuses a Differential not above the version it holds); it is in sync
only when every part was accepted; one longer than the station holds
is not sent and the state says why. Hypothesis checks the cutting on messy lists."""

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st
from ocpp.routing import on
from ocpp.v16 import call_result
from ocpp.v16.enums import Action

from stations.authlist.limits import ListLimits, _frame_bytes, parts_of
from stations.authlist.models import LocalList
from stations.authlist.services import entries_applied, list_difference, list_entry
from stations.models import Station
from stations.services.device_model import configuration_recorded
from stations.simulator import SimulatedChargePoint
from tests.factories import (
    api_client,
    charge_point,
    charge_point_201,
    make_id_tag,
    make_station,
    make_tenant,
)
from tests.fast.stations.authlist.test_local_list import url
from tests.test_local_list import sent_lists
from tests.test_local_list_201 import sent_lists as sent_lists_201

NAMES = ["ANNA", "BEN", "CARL", "DORA", "EVA"]


def tenant_with_tags(names=NAMES):
    tenant = make_tenant()
    for name in names:
        make_id_tag(tenant, name)
    return tenant


def known_16(station, **keys) -> None:
    """What a GetConfiguration answer told us of the station's keys."""
    configuration_recorded(station_id=station.pk, response={"configurationKey": [
        {"key": key, "value": value, "readonly": True} for key, value in keys.items()]})


def known_201(station, values: dict[str, str], entries_max: int | None = None) -> None:
    """What a NotifyReport told us of the station's LocalAuthListCtrlr."""
    from stations.services.device_model import Characteristics, ReportedVariable, device_model_record
    reported = [ReportedVariable(component="LocalAuthListCtrlr", variable=name, value=value)
                for name, value in values.items()]
    if entries_max is not None:
        reported.append(ReportedVariable(
            component="LocalAuthListCtrlr", variable="Entries", value="0",
            characteristics=Characteristics(data_type="integer", unit="", min_limit=None,
                                            max_limit=Decimal(entries_max), values_list="",
                                            supports_monitoring=False)))
    device_model_record(station_id=station.pk, reported=reported, source="report")


def shape(sent) -> list[tuple[int, str, int]]:
    return [(version, kind, len(entries)) for version, kind, entries in sent]


async def test_a_1_6_list_longer_than_a_message_goes_in_parts_each_the_next_version(server):
    tenant = tenant_with_tags()
    station, password = make_station(tenant)
    known_16(station, SendLocalListMaxLength="2")
    async with charge_point(server, tenant, station, password) as cp, \
            api_client(server, tenant) as api:
        cp.configuration["SendLocalListMaxLength"] = "2"
        sent = (await api.post(url(station), json={"update_type": "Full"})).json()
        await api.post("/api/v1/id-tags/", json={"id_tag": "FINN"})
        await api.post("/api/v1/id-tags/", json={"id_tag": "GRETA"})
        await api.post("/api/v1/id-tags/", json={"id_tag": "HUGO"})
        await api.post(url(station), json={"update_type": "Differential"})
        state = (await api.get(url(station))).json()
    assert (sent["status"], sent["entry_count"]) == ("Accepted", 5)
    parts = shape(sent_lists(cp))
    assert parts[:3] == [(1, "Full", 2), (2, "Differential", 2), (3, "Differential", 1)]
    assert all(count <= 2 for _, kind, count in parts[3:] if kind == "Differential")
    assert [version for version, _, _ in parts] == list(range(1, len(parts) + 1))
    assert sorted(cp.local_list) == sorted(NAMES + ["FINN", "GRETA", "HUGO"])
    assert (state["in_sync"], state["max_entries_per_message"], state["out_of_sync_reason"]) == \
        (True, 2, "")


async def test_a_1_6_list_longer_than_the_station_holds_is_not_sent(server):
    tenant = tenant_with_tags()
    station, password = make_station(tenant)
    known_16(station, LocalAuthListMaxLength="3")
    async with charge_point(server, tenant, station, password) as cp, \
            api_client(server, tenant) as api:
        sent = (await api.post(url(station), json={"update_type": "Full"})).json()
        state = (await api.get(url(station))).json()
    assert sent["status"] == "Failed" and "holds at most 3" in sent["error"]
    assert sent_lists(cp) == []
    assert (state["in_sync"], state["max_entries"]) == (False, 3)
    assert "5 entries" in state["out_of_sync_reason"]


class FailsTheSecondPart(SimulatedChargePoint):
    """A station that stores the first message of a list and fails the next."""

    @on(Action.send_local_list)
    async def on_send_local_list(self, list_version, update_type, **kwargs):
        if len(sent_lists(self)) == 1:
            self.received.append(("SendLocalList", {"list_version": list_version,
                                                    "update_type": update_type, "entries": []}))
            return call_result.SendLocalList(status="Failed")
        return await super().on_send_local_list(list_version, update_type, **kwargs)


async def test_a_failed_part_leaves_the_list_out_of_sync_and_the_next_update_completes_it(server):
    tenant = tenant_with_tags()
    station, password = make_station(tenant)
    known_16(station, SendLocalListMaxLength="3")
    async with charge_point(server, tenant, station, password, cls=FailsTheSecondPart) as cp, \
            api_client(server, tenant) as api:
        failed = (await api.post(url(station), json={"update_type": "Full"})).json()
        state = (await api.get(url(station))).json()
        held = LocalList.objects.get(station=station)
        again = (await api.post(url(station), json={"update_type": "Differential"})).json()
        after = (await api.get(url(station))).json()
    assert (failed["status"], failed["error"]) == ("Failed", "Part 2 of 2: Failed")
    assert (state["in_sync"], state["out_of_sync_reason"]) == (False, "Part 2 of 2: Failed")
    assert (held.version, sorted(held.snapshot)) == (1, ["ANNA", "BEN", "CARL"])
    assert (again["status"], again["list_version"], again["update_type"]) == \
        ("Accepted", 2, "Differential")
    assert sorted(e["idTag"] for e in again["entries"]) == ["DORA", "EVA"]
    assert after["in_sync"] is True and sorted(cp.local_list) == NAMES


async def test_a_2_0_1_list_goes_in_parts_by_items_and_bytes(server):
    tenant = tenant_with_tags()
    station, password = make_station(tenant)
    async with charge_point_201(server, tenant, station, password) as cp, \
            api_client(server, tenant) as api:
        cp.device_model[("LocalAuthListCtrlr", None, None, None, "ItemsPerMessage", None)].value = "2"
        known_201(station, {"ItemsPerMessage": "2"})
        by_items = (await api.post(url(station), json={"update_type": "Full"})).json()
        cp.device_model[("LocalAuthListCtrlr", None, None, None, "ItemsPerMessage", None)].value = "50"
        cp.device_model[("LocalAuthListCtrlr", None, None, None, "BytesPerMessage", None)].value = "300"
        known_201(station, {"ItemsPerMessage": "50", "BytesPerMessage": "300"})
        by_bytes = (await api.post(url(station), json={"update_type": "Full"})).json()
        state = (await api.get(url(station))).json()
    parts = shape(sent_lists_201(cp))
    assert by_items["status"] == by_bytes["status"] == "Accepted"
    assert parts[:3] == [(1, "Full", 2), (2, "Differential", 2), (3, "Differential", 1)]
    assert parts[3][:2] == (4, "Full") and len(parts) > 4
    assert [p[:2] for p in parts[4:]] == [(v, "Differential") for v in range(5, len(parts) + 1)]
    assert sum(p[2] for p in parts[3:]) == 5 and sorted(cp.local_list) == NAMES
    assert (state["in_sync"], state["max_bytes_per_message"]) == (True, 300)


async def test_a_2_0_1_station_whose_limits_we_do_not_know_refuses_and_says_why(server):
    tenant = tenant_with_tags()
    station, password = make_station(tenant)
    async with charge_point_201(server, tenant, station, password) as cp, \
            api_client(server, tenant) as api:
        cp.device_model[("LocalAuthListCtrlr", None, None, None, "ItemsPerMessage", None)].value = "2"
        refused = await api.post(url(station), json={"update_type": "Full"})
        state = (await api.get(url(station))).json()
        known_201(station, {"ItemsPerMessage": "2"})
        sent = (await api.post(url(station), json={"update_type": "Full"})).json()
    assert refused.status_code >= 400 and "OccurrenceConstraintViolation" in refused.text
    assert state["in_sync"] is False and "OccurrenceConstraintViolation" in state["out_of_sync_reason"]
    assert state["max_entries_per_message"] is state["max_entries"] is None  # unknown: no limit
    assert sent["status"] == "Accepted" and sorted(cp.local_list) == NAMES


async def test_a_2_0_1_list_longer_than_the_entries_max_limit_is_not_sent(server):
    tenant = tenant_with_tags()
    station, password = make_station(tenant)
    known_201(station, {}, entries_max=4)
    async with charge_point_201(server, tenant, station, password) as cp, \
            api_client(server, tenant) as api:
        sent = (await api.post(url(station), json={"update_type": "Full"})).json()
        state = (await api.get(url(station))).json()
    assert sent["status"] == "Failed" and sent_lists_201(cp) == []
    assert state["max_entries"] == 4 and "holds at most 4" in state["out_of_sync_reason"]


async def test_the_dashboard_card_says_why_the_list_is_not_sent(server):
    from tenants.models import Role
    from tests.browser import member
    from tests.dashboard_helpers import logged_in, post

    tenant = tenant_with_tags()
    station, password = make_station(tenant)
    known_16(station, LocalAuthListMaxLength="3", SendLocalListMaxLength="2")
    http = await logged_in(server, member(tenant, Role.MANAGER))
    async with charge_point(server, tenant, station, password):
        sent = await post(http, f"/stations/{station.identity}/local-list/send/", {})
    assert 'data-field="local-list-reason">The list has 5 entries' in sent.text
    assert "3 entries in all, 2 per message" in sent.text


# The cutting and the applying, on messy lists ------------------------------------------------
INFO = st.fixed_dictionaries({"status": st.sampled_from(["Accepted", "Blocked"])},
                             optional={"tokenType": st.sampled_from(["KeyCode", "eMAID"])})
NAMED = [f"T{n}" for n in range(12)]
HELD = st.dictionaries(st.sampled_from(NAMED + ["t1", "t2"]), INFO, max_size=12)
DESIRED = st.dictionaries(st.sampled_from(NAMED), INFO, max_size=12)  # one spelling per tag


@settings(max_examples=60, deadline=None)
@given(held=HELD, desired=DESIRED, per_message=st.none() | st.integers(1, 5),
       size=st.none() | st.integers(150, 600))
def test_parts_fit_and_add_up_to_the_whole_update(held, desired, per_message, size):
    station = Station(ocpp_version="2.0.1")
    entries = list_difference(held, desired)
    limits = ListLimits(per_message=per_message, bytes_per_message=size)
    parts = parts_of(station, 7, entries, limits)
    assert [e for part in parts for e in part] == entries
    assert all(len(part) <= (per_message or len(entries) or 1) for part in parts)
    assert all(_frame_bytes(station, 7, part) <= size for part in parts if size and len(part) > 1)
    step = held
    for part in parts:
        step = entries_applied(step, part)
    assert step == entries_applied(held, entries)
    full = [list_entry(name, info) for name, info in sorted(desired.items())]
    assert entries_applied({}, full) == desired

