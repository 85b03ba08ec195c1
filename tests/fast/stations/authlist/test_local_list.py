"""Local authorization lists without a station: a station not connected is a 409 and the attempt is
recorded, bad input is a 400, only stations holding a list that now differs are due an update (sent to
a real station: tests/test_local_list.py)."""

import asyncio
import os

import pytest
from ocpp.exceptions import InternalError
from ocpp.routing import on
from ocpp.v16 import call_result
from ocpp.v16.enums import Action

from stations.authlist.models import LocalList, LocalListUpdate
from stations.authlist.resync import local_lists_resync
from stations.authlist.selectors import local_list_entries
from stations.models import IdTag
from stations.simulator import SimulatedChargePoint
from tests.factories import make_id_tag, make_station, make_tenant
from tests.fast.clients import api_client

pytestmark = pytest.mark.django_db

# Without REDIS_URL the send task runs eagerly in the server; with it no worker runs in tests.
eager_worker = pytest.mark.skipif(bool(os.environ.get("REDIS_URL")),
                                  reason="with REDIS_URL no worker runs the send task in tests")


def url(station, tail: str = "") -> str:
    return f"/api/v1/stations/{station.identity}/local-list/{tail}"


class WithoutLocalList(SimulatedChargePoint):
    local_list_version = -1


def test_a_station_that_is_not_connected_is_a_409_and_the_attempt_is_recorded():
    tenant = make_tenant()
    station, _ = make_station(tenant)
    with api_client(tenant) as api:
        sent = api.post(url(station), json={"update_type": "Full"})
        version = api.post(url(station, "version/"))
        state = (api.get(url(station))).json()
    assert (sent.status_code, version.status_code) == (409, 409)
    assert state["history"][0]["status"] == "SendFailed"
    assert "not connected" in state["history"][0]["error"]


def test_bad_input_is_a_400_with_field_errors():
    tenant = make_tenant()
    station, _ = make_station(tenant)
    with api_client(tenant) as api:
        bad_type = api.post(url(station), json={"update_type": "Partial"})
        unknown_group = api.post(url(station), json={"update_type": "Full", "group": "NOPE"})
    assert bad_type.status_code == 400 and "update_type" in bad_type.json()
    assert unknown_group.status_code == 400 and "group" in unknown_group.json()
    assert not LocalListUpdate.objects.filter(local_list__station=station).exists()


# Keeping the lists in sync ---------------------------------------------------------------------

class HoldingVersionOne(SimulatedChargePoint):
    """A station that kept list version 1 through its reboot."""

    local_list_version = 1


class SlowToStore(SimulatedChargePoint):
    """A station that takes a while to store a list: the next change comes while it does."""

    @on(Action.send_local_list)
    def on_send_local_list(self, list_version, update_type, **kwargs):
        self.received.append(("SendLocalList (storing)", {"list_version": list_version}))
        asyncio.sleep(0.5)
        return super().on_send_local_list(list_version, update_type, **kwargs)


def holding(tenant, group: str = "", version: int = 1, **fields) -> LocalList:
    """A station (offline) holding the list it should hold now, as `version`."""
    station, _ = make_station(tenant)
    snapshot = local_list_entries(tenant_id=tenant.pk, group=group) if version else {}
    return LocalList.objects.create(tenant=tenant, station=station, group=group, version=version,
                                    snapshot=snapshot, **fields)


def test_only_stations_holding_a_list_that_now_differs_are_due_an_update():
    tenant, outsider = make_tenant(), make_tenant("Outsider")
    make_id_tag(tenant, "ALICE")
    make_id_tag(tenant, "FLEET")
    make_id_tag(tenant, "DAVE", parent_id_tag="FLEET")
    make_id_tag(outsider, "ALICE")
    everyone, fleet = holding(tenant), holding(tenant, group="FLEET")
    no_list = holding(tenant, version=0)
    without_local_lists = holding(tenant, group="FLEET", version=0, station_version=-1)
    theirs = holding(outsider)
    make_id_tag(tenant, "IVAN")
    after_ivan = local_lists_resync(tenant_id=tenant.pk)
    IdTag.objects.filter(tenant=tenant, id_tag="DAVE").update(status="Blocked")
    after_dave = local_lists_resync(tenant_id=tenant.pk)
    due = set(LocalList.objects.filter(sync_due=True, tenant__in=[tenant, outsider])
              .values_list("pk", flat=True))
    assert after_ivan == [everyone.station_id]  # IVAN is no member of FLEET
    assert sorted(after_dave) == sorted([everyone.station_id, fleet.station_id])
    assert due == {everyone.pk, fleet.pk}
    assert {no_list.pk, without_local_lists.pk, theirs.pk}.isdisjoint(due)


class MismatchThenBroken(SimulatedChargePoint):
    local_list_version = 7

    @on(Action.send_local_list)
    def on_send_local_list(self, list_version, update_type, **kwargs):
        self.received.append(("SendLocalList", {"update_type": update_type}))
        if update_type == "Differential":
            return call_result.SendLocalList(status="VersionMismatch")
        raise InternalError(description="the list storage is broken")
