"""The dashboard for a 2.0.1 station beside a 1.6 one (docs/domain-model.md, "Station → EVSE →
connector"): its version shown, its connectors under their EVSEs with 2.0.1's statuses styled,
its actions in its version's words, the device model in place of the configuration table, and
its sessions by the station's string transaction id and their EVSE."""

from datetime import UTC, datetime

import pytest

from stations.models import ChargingSession, Connector, Station, StatusEvent
from tenants.models import Role
from tests.browser import member
from tests.factories import make_station, make_tenant
from tests.fast.clients import signed_in

pytestmark = pytest.mark.django_db

AT = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


@pytest.fixture
def tenant():
    return make_tenant("Dash201")


@pytest.fixture
def http(tenant):
    return signed_in(member(tenant, Role.MANAGER))


def station_201(tenant, identity="DASH-201") -> Station:
    """EVSE 1 with two connectors (the second one Occupied), EVSE 2 with one."""
    station, _ = make_station(tenant, identity)
    Station.objects.filter(pk=station.pk).update(ocpp_version="2.0.1")
    for connector_id, evse_id, number, status in ((1, 1, 1, "Available"),
                                                  (1001, 1, 2, "Occupied"),
                                                  (2, 2, 1, "Faulted")):
        Connector.objects.create(station=station, connector_id=connector_id, evse_id=evse_id,
                                 evse_connector_id=number, status=status, updated_at=AT)
    return Station.objects.get(pk=station.pk)


def station_16(tenant, identity="DASH-16") -> Station:
    station, _ = make_station(tenant, identity)
    Station.objects.filter(pk=station.pk).update(ocpp_version="1.6")
    for connector_id in (0, 1, 2):
        Connector.objects.create(station=station, connector_id=connector_id, evse_id=connector_id,
                                 evse_connector_id=min(connector_id, 1), status="Available")
    return Station.objects.get(pk=station.pk)


def session_201(station) -> ChargingSession:
    return ChargingSession.objects.create(
        tenant_id=station.tenant_id, station=station, connector_id=1001, evse_id=1,
        station_transaction_id="f1e2-tx-201", id_tag="04A2", id_token_type="ISO14443",
        started_at=AT, meter_start=0, charging_state="Charging")


def test_a_201_station_page_shows_its_evses_with_their_connectors(tenant, http):
    station_201(tenant)
    page = http.get("/stations/DASH-201/").text
    assert 'data-field="ocpp-version">2.0.1<' in page
    assert "EVSEs and connectors" in page and 'data-evses="1"' in page
    rows = page[page.index('data-connectors="DASH-201"'):page.index("</tbody>",
                                                                  page.index('data-connectors="DASH-201"'))]
    # EVSE 1 with its connectors 1/1 and 1/2, then EVSE 2: each EVSE named once
    assert rows.index("EVSE 1") < rows.index(">1/2<") < rows.index("EVSE 2")
    assert rows.count("EVSE 1<") == 1
    # not connected: its last known status, greyed (templates/stations/_connector.html)
    assert ('class="connector offline" data-station="DASH-201" data-connector="1001" '
            'data-status="Occupied"') in rows
    assert 'title="EVSE 1, connector 2"' in rows


def test_a_201_station_is_offered_its_versions_actions_and_its_device_model(tenant, http):
    station_201(tenant)
    page = http.get("/stations/DASH-201/").text
    assert 'value="OnIdle"' in page and 'value="Immediate"' in page
    assert 'value="Soft"' not in page and 'value="Hard"' not in page
    assert 'name="evse_id"' in page and 'name="evse_connector_id"' in page
    assert 'value="LogStatusNotification"' in page
    assert 'value="DiagnosticsStatusNotification"' not in page
    assert "Device model" in page and "GetConfiguration" not in page


def test_a_16_station_page_looks_as_before(tenant, http):
    station_16(tenant)
    page = http.get("/stations/DASH-16/").text
    assert "EVSEs and connectors" not in page and 'data-evses="1"' not in page
    assert "0 (station)" in page
    assert 'value="Soft"' in page and 'value="Hard"' in page and 'value="OnIdle"' not in page
    assert 'name="evse_id"' not in page and 'name="evse_connector_id"' not in page
    assert 'value="DiagnosticsStatusNotification"' in page
    assert "GetConfiguration" in page


def test_the_station_list_names_201_connectors_by_evse_and_filters_occupied(tenant, http):
    station_201(tenant)
    station_16(tenant)
    page = http.get("/stations/").text
    assert "OCPP 2.0.1" in page and "OCPP 1.6" in page
    assert '<span class="cid">1/2</span>: <span class="cstatus">offline (last known: Occupied)</span>' in page
    assert '<span class="cid">2</span>: <span class="cstatus">offline (last known: Available)</span>' in page
    assert page.count('data-evses="1"') == 1
    occupied = http.get("/stations/", {"status": "Occupied"}).text
    assert "DASH-201" in occupied and "DASH-16" not in occupied


def test_a_201_session_shows_the_stations_transaction_id_and_its_evse(tenant, http):
    session = session_201(station_201(tenant))
    listed = http.get("/sessions/").text
    assert "EVSE 1, connector 2" in listed and "tx f1e2-tx-201" in listed
    detail = http.get(f"/sessions/{session.pk}/").text
    assert "EVSE 1, connector 2" in detail and "f1e2-tx-201" in detail and "(Charging)" in detail
    station_page = http.get("/stations/DASH-201/").text
    assert "tx f1e2-tx-201" in station_page


def test_the_overview_lists_a_201_connectors_fault_by_its_evse(tenant, http):
    """A 2.0.1 StatusNotification has no error code: Faulted is the fault."""
    station = station_201(tenant)
    StatusEvent.objects.create(station=station, connector_id=2, evse_id=2, status="Faulted",
                               error_code="NoError", received_at=AT)
    StatusEvent.objects.create(station=station, connector_id=1, evse_id=1, status="Available",
                               error_code="NoError", received_at=AT)
    page = http.get("/").text
    faults = page[page.index("<tbody>", page.index("When</th>")):]
    faults = faults[:faults.index("</tbody>")]
    assert faults.count("<tr>") == 1 and ">2/1<" in faults and "Faulted" in faults
