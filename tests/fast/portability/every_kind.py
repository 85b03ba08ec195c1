"""A tenant holding every kind of object the export carries, made with the services and
factories where they exist (data only elsewhere), for the round trip and isolation tests."""

import io
import uuid
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from django.core.files.base import ContentFile
from PIL import Image

from alerts.models import Alert, AlertKind, AlertRule, StationMute
from audit.models import AuditEntry
from billing.invoices.pdf import invoice_pdf_render
from billing.invoices.services import invoice_credit, invoice_run, seller_update
from billing.models import Customer, SessionPrice
from billing.services import tariff_create, tariff_update
from loadmgmt.models import LoadGroup
from stations.models import (
    ChargingSession,
    Component,
    ConnectionPeriod,
    Connector,
    Evse,
    Location,
    MeterSample,
    StatusEvent,
    Variable,
    VariableAttribute,
    VariableMonitor,
)
from tenants.models import Membership, Role
from tests.factories import make_id_tag, make_station, make_tenant, set_group_tariff
from tests.test_admin import make_user
from webhooks.services import endpoint_create

ENERGY = [{"price_components": [{"type": "ENERGY", "price": "0.30", "step_size": 1}]}]
DAY = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


def png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 20), (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


def every_kind(name: str = "Exporter", *, meter_values: int = 6) -> dict:
    tenant = make_tenant(name)
    seller_update(tenant=tenant, logo=ContentFile(png(), name="logo.png"))
    site = Location.objects.create(tenant=tenant, name="Garage Nord", address="Hauptstr. 1",
                                   postal_code="10115", city="Berlin", country="DE",
                                   latitude=Decimal("52.520008"),
                                   longitude=Decimal("13.404954"), timezone="Europe/Berlin",
                                   opening_hours={"twentyfourseven": True})
    tariff = tariff_create(tenant=tenant, name="Standard", currency="EUR", vat_rate=Decimal("19"),
                           elements=ENERGY, is_default=True)
    customer = Customer.objects.create(tenant=tenant, name="Carla", address="Weg 2\n10115 Berlin",
                                       email="carla@example.com", vat_id="DE999999999")
    tag = make_id_tag(tenant, "=FORMULA1", customer=customer, name="Carla's card")
    make_id_tag(tenant, "CHILD1", parent_id_tag="=FORMULA1")
    group = LoadGroup.objects.create(tenant=tenant, name="Garage", max_current=Decimal("63"))
    set_group_tariff(group, tariff)
    v16, _ = make_station(tenant, f"{name}-16", tariff=tariff, load_group=group, location=site,
                          vendor="ABB", model="Terra", ocpp_version="1.6")
    v201, _ = make_station(tenant, f"{name}-201", ocpp_version="2.0.1")
    _station_parts(v16, v201)
    session = _session(v16, tag.id_tag, 1, meter_values)
    _session(v201, tag.id_tag, 2, 2)
    later = tariff_update(tariff=tariff, valid_from=datetime.now(UTC) + timedelta(days=30),
                          elements=[{"price_components": [{"type": "ENERGY", "price": "0.35",
                                                           "step_size": 1}]}])
    invoice = invoice_run(tenant=tenant, period_start=date(2026, 3, 1), period_end=date(2026, 3, 31),
                          render_pdf=False).issued[0]
    invoice_pdf_render(invoice_id=invoice.pk)
    credit = invoice_credit(invoice=invoice, render_pdf=False, reason="Wrong tag")
    user = make_user(tenant=tenant, role=Role.MANAGER)
    rule = AlertRule.objects.create(tenant=tenant, kind=AlertKind.STATION_OFFLINE, threshold=15)
    rule.notify_users.add(user)
    Alert.objects.create(tenant=tenant, kind=AlertKind.STATION_OFFLINE, key=f"station:{v16.pk}", station=v16,
                         title="Offline", details={"since": "2026-03-02T08:00:00Z"}, opened_at=DAY,
                         last_seen_at=DAY)
    StationMute.objects.create(tenant=tenant, station=v201, until=DAY + timedelta(days=1), reason="works")
    endpoint, _ = endpoint_create(tenant=tenant, url="https://hooks.example.com/cpms", event_types=[])
    AuditEntry.objects.create(tenant=tenant, at=DAY, via="api", actor_type="user", actor_id=user.pk,
                              actor=user.username, action="update", object_type="stations.station",
                              object_id=str(v16.pk), station_id=v16.pk, station_identity=v16.identity,
                              changes={"name": ["a", "b"]}, request_id=uuid.uuid4())
    return {"tenant": tenant, "stations": (v16, v201), "session": session, "invoice": invoice,
            "credit": credit, "tariff": later, "group": group, "user": user, "endpoint": endpoint,
            "site": site}


def _station_parts(v16, v201) -> None:
    Connector.objects.get_or_create(station=v16, connector_id=1, defaults={"status": "Available"})
    Evse.objects.get_or_create(station=v201, evse_id=1)
    Connector.objects.get_or_create(station=v201, connector_id=1,
                                    defaults={"evse_id": 1, "evse_connector_id": 1})
    component = Component.objects.create(station=v201, name="EVSE", evse_id=1)
    variable = Variable.objects.create(component=component, name="Power", unit="W", data_type="decimal",
                                       max_limit=Decimal("22000"))
    VariableAttribute.objects.create(variable=variable, type="Actual", value="0", mutability="ReadOnly",
                                     updated_at=DAY)
    VariableMonitor.objects.create(variable=variable, monitor_id=1, type="UpperThreshold",
                                   value=Decimal("11000"), severity=5, updated_at=DAY)
    ConnectionPeriod.objects.create(station=v16, started_at=DAY - timedelta(days=1), ended_at=DAY)
    ConnectionPeriod.objects.create(station=v201, started_at=DAY - timedelta(hours=3))
    StatusEvent.objects.create(station=v16, connector_id=1, status="Charging", received_at=DAY)


def _session(station, id_tag: str, transaction_id: int, meter_values: int) -> ChargingSession:
    session = ChargingSession.objects.create(
        tenant_id=station.tenant_id, station=station, connector_id=1, transaction_id=transaction_id,
        id_tag=id_tag, meter_start=0, meter_stop=10_000, started_at=DAY, stopped_at=DAY + timedelta(hours=1))
    MeterSample.objects.bulk_create(
        MeterSample(station=station, session=session, connector_id=1, timestamp=DAY + timedelta(seconds=n),
                    received_at=DAY + timedelta(seconds=n), measurand="Energy.Active.Import.Register",
                    unit="Wh", value=Decimal(n * 10)) for n in range(meter_values))
    SessionPrice.objects.create(
        session=session, tenant_id=station.tenant_id, currency="EUR", net=Decimal("3.00"),
        vat=Decimal("0.57"),
        gross=Decimal("3.57"), lines=[{"component": "ENERGY", "quantity": "10", "unit": "kWh",
                                       "unit_price": "0.30", "net": "3.00", "vat_rate": "19"}],
        vat_by_rate={"19": ["3.00", "0.57"]}, energy_wh=10_000, final=True,
        priced_at=DAY + timedelta(hours=1))
    return session


def member_of(tenant, user) -> None:
    Membership.objects.get_or_create(tenant=tenant, user=user, defaults={"role": Role.MANAGER})
