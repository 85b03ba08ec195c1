"""A session closed by the backend (alerts/conditions/session_closed.py through the
SessionClosed subscription): raised with the close, resolved by the station's late stop."""

import pytest
from django.utils import timezone

from alerts.conditions import session_closed
from alerts.models import Alert
from stations.models import ChargingSession
from stations.services.session_lifecycle import session_close_by_operator
from tests.factories import make_station

pytestmark = pytest.mark.django_db


def _session(tenant):
    station = make_station(tenant, "CP-S")[0]
    return ChargingSession.objects.create(tenant=tenant, station=station, connector_id=1,
                                          transaction_id=5, id_tag="DRIVER",
                                          id_tag_status="Accepted", started_at=timezone.now())


def test_an_operators_close_raises_its_alert_in_the_same_transaction(tenant):
    session = _session(tenant)
    session_close_by_operator(tenant_id=tenant.pk, session_id=session.pk, by="ann")
    alert = Alert.objects.get()
    assert (alert.kind, alert.key, alert.station_id, alert.severity) == (
        "session_closed", f"session:{session.pk}", session.station_id, "warning")
    assert alert.title == f"CP-S: session {session.pk} closed by the backend (Closed by an operator)"
    assert (alert.details["reason"], alert.details["id_tag"]) == ("operator", "DRIVER")


def test_the_stations_late_stop_resolves_it_and_only_for_its_tenant(tenant, other_tenant):
    session = _session(tenant)
    session_closed.session_closed(session_id=session.pk, reason="station_silent")
    session_closed.session_stopped_late(tenant_id=other_tenant.pk, session_id=session.pk)
    assert Alert.objects.get().state == "open"
    session_closed.session_stopped_late(tenant_id=tenant.pk, session_id=session.pk)
    assert Alert.objects.get().state == "resolved"


def test_a_session_that_is_gone_raises_nothing(tenant):
    session_closed.session_closed(session_id=10**9, reason="operator")
    assert not Alert.objects.exists()
