"""A connector Faulted (alerts/conditions/faulted.py, raised from StatusChanged by
alerts/subscriptions.py): its codes from the connector's row, resolved by another status."""

import pytest

from alerts.conditions import faulted
from alerts.models import Alert
from stations.models import Connector
from tests.factories import make_station

pytestmark = pytest.mark.django_db


def test_a_faulted_connector_is_an_alert_with_its_codes(tenant):
    station = make_station(tenant, "CP-F")[0]
    Connector.objects.create(station=station, connector_id=2, evse_id=2, status="Faulted",
                             error_code="GroundFailure", vendor_id="ACME",
                             vendor_error_code="E42", info="leak")
    faulted.connector_faulted(station_id=station.pk, evse_id=2, connector_id=2,
                              error_code="GroundFailure")
    alert = Alert.objects.get()
    assert (alert.kind, alert.key, alert.severity) == (
        "connector_faulted", f"connector:{station.pk}:2:2", "critical")
    assert alert.title == "CP-F: connector 2 faulted (GroundFailure E42)"
    assert alert.details == {"connector_id": 2, "evse_id": 2, "error_code": "GroundFailure",
                             "vendor_id": "ACME", "vendor_error_code": "E42", "info": "leak"}


def test_another_status_resolves_it_and_only_the_tenants_own(tenant, other_tenant):
    station = make_station(tenant)[0]
    faulted.connector_faulted(station_id=station.pk, evse_id=None, connector_id=0,
                              error_code="OtherError")
    assert Alert.objects.get().key == f"connector:{station.pk}:0:0"
    faulted.connector_not_faulted(tenant_id=other_tenant.pk, station_id=station.pk, evse_id=None,
                                  connector_id=0, status="Available")
    assert Alert.objects.get().state == "open"
    faulted.connector_not_faulted(tenant_id=tenant.pk, station_id=station.pk, evse_id=None,
                                  connector_id=0, status="Available")
    alert = Alert.objects.get()
    assert (alert.state, alert.resolution) == ("resolved", "Connector Available")
