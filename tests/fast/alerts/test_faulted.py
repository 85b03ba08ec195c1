"""A connector Faulted (alerts/conditions/faulted.py, raised from StatusChanged by
alerts/subscriptions.py): its codes from the connector's row, resolved by another status."""

import pytest
from django.utils import timezone

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


def test_the_sweep_resolves_a_fault_whose_connector_moved_on_and_keeps_the_others(tenant):
    """The next status's follow-up may run before the fault's commits (two DB threads): the
    alert would stay open for ever without the sweep."""
    station = make_station(tenant)[0]
    for connector_id, status in ((1, "Available"), (2, "Faulted")):
        Connector.objects.create(station=station, connector_id=connector_id, evse_id=connector_id,
                                 status=status)
        faulted.connector_faulted(station_id=station.pk, evse_id=connector_id,
                                  connector_id=connector_id, error_code="OtherError")

    faulted.check(timezone.now())

    states = dict(Alert.objects.values_list("key", "state"))
    assert states == {f"connector:{station.pk}:1:1": "resolved", f"connector:{station.pk}:2:2": "open"}
