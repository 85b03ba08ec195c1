"""2.0.1 TransactionEvents applied to sessions, in process (docs/sessions.md, OCPP 2.0.1): worked
histories, and the idTokenInfo rules of Authorize. The live path: tests/test_transactions_201.py."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from stations.models import ChargingSession, MeterSample, StatusEvent, TransactionEventRecord
from stations.services.authorization import id_token_info
from stations.services.meter_values import sampled_value_of_201
from stations.services.session_lifecycle import running_sessions
from stations.services.transaction_events import transaction_event_apply
from tests.factories import make_id_tag, make_station

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)


def iso(at: datetime) -> str:
    return at.isoformat().replace("+00:00", "Z")


def event(event_type: str, seq_no: int, minute: int, *, tx: str = "TX-1", wh: int | None = None,
          context: str = "Sample.Periodic", state: str | None = None, token: str | None = None,
          token_type: str = "ISO14443", trigger: str = "MeterValuePeriodic", **extra) -> dict:
    at = T0 + timedelta(minutes=minute)
    payload = {"eventType": event_type, "timestamp": iso(at), "triggerReason": trigger,
               "seqNo": seq_no, "transactionInfo": {"transactionId": tx}, "evse": {"id": 1, "connectorId": 1}}
    if wh is not None:
        payload["meterValue"] = [{"timestamp": iso(at), "sampledValue": [
            {"value": wh / 1000, "context": context, "measurand": "Energy.Active.Import.Register",
             "unitOfMeasure": {"unit": "kWh"}}]}]
    if state is not None:
        payload["transactionInfo"]["chargingState"] = state
    if token is not None:
        payload["idToken"] = {"idToken": token, "type": token_type}
    for key in ("stoppedReason", "remoteStartId"):
        if key in extra:
            payload["transactionInfo"][key] = extra.pop(key)
    return payload | extra


@pytest.fixture
def station(tenant):
    return make_station(tenant)[0]


def apply(station, payload, received_minute: int = 0):
    received = T0 + timedelta(minutes=received_minute) if received_minute else datetime.now(UTC)
    return transaction_event_apply(station=station, payload=payload, received_at=received)


def test_started_updated_ended_make_one_session_with_energy_and_times(station, tenant):
    make_id_tag(tenant, "04A2B3C4")
    started = apply(station, event("Started", 0, 0, wh=1000, context="Transaction.Begin",
                                   state="Charging", token="04a2b3c4", trigger="Authorized"))
    apply(station, event("Updated", 1, 10, wh=4000))
    ended = apply(station, event("Ended", 2, 20, wh=7500, context="Transaction.End",
                                 state="EVConnected", stoppedReason="EVDisconnected"))
    session = ChargingSession.objects.get(station=station)
    assert (started.started, started.id_token_info["status"], ended.stopped) == (True, "Accepted", True)
    assert (session.transaction_id, session.station_transaction_id) == (None, "TX-1")
    assert (session.meter_start, session.meter_stop, session.energy_wh) == (1000, 7500, 6500)
    assert (session.started_at, session.stopped_at) == (T0, T0 + timedelta(minutes=20))
    assert (session.id_tag, session.stop_reason, session.start_missing) == (
        "04A2B3C4", "EVDisconnected", False)
    assert (session.evse_id, session.connector_id) == (1, 1)
    assert MeterSample.objects.filter(session=session).count() == 3
    assert list(StatusEvent.objects.filter(station=station).order_by("received_at", "pk")
                .values_list("status", flat=True)) == ["Charging", "Finishing"]


def test_a_retransmission_changes_nothing_and_answers_the_same(station, tenant):
    make_id_tag(tenant, "CARD", max_sessions=1)
    first = apply(station, event("Started", 0, 0, wh=1000, token="CARD"))
    again = apply(station, event("Started", 0, 0, wh=1000, token="CARD"))
    assert (again.repeated, again.id_token_info, again.session_id) == (
        True, first.id_token_info, first.session_id)
    assert first.id_token_info["status"] == "Accepted"  # the session itself is not a second one
    assert TransactionEventRecord.objects.filter(station=station).count() == 1
    assert MeterSample.objects.count() == 1


def test_an_ended_first_makes_a_session_without_start_and_a_late_started_completes_it(station):
    ended = apply(station, event("Ended", 3, 30, wh=9000, context="Transaction.End"))
    assert (ended.started, ended.stopped, ended.running) == (False, True, False)
    apply(station, event("Updated", 1, 10, wh=5000, offline=True))
    session = ChargingSession.objects.get(station=station)
    assert (session.start_missing, session.started_at, session.meter_start) == (
        True, T0 + timedelta(minutes=10), 5000)
    apply(station, event("Started", 0, 0, wh=2000, offline=True))
    session.refresh_from_db()
    assert (session.start_missing, session.started_at) == (False, T0)
    assert (session.meter_start, session.meter_stop, session.stopped_at) == (
        2000, 9000, T0 + timedelta(minutes=30))


def test_the_id_token_of_a_later_update_authorizes_the_session(station, tenant):
    make_id_tag(tenant, "LATE")
    apply(station, event("Started", 0, 0, state="EVConnected", trigger="CablePluggedIn"))
    assert not running_sessions().filter(station=station).exists()  # not authorized yet
    answer = apply(station, event("Updated", 1, 1, token="late", trigger="Authorized", state="Charging"))
    session = ChargingSession.objects.get(station=station)
    assert answer.id_token_info == {"status": "Accepted"}
    assert (session.id_tag, session.id_tag_status, session.charging_state) == ("LATE", "Accepted", "Charging")
    assert running_sessions().filter(station=station).exists()


def test_a_stop_authorized_by_another_token_is_kept_as_the_stop_token(station, tenant):
    make_id_tag(tenant, "DRIVER")
    make_id_tag(tenant, "ATTENDANT")
    apply(station, event("Started", 0, 0, token="DRIVER", trigger="Authorized"))
    apply(station, event("Ended", 1, 5, token="ATTENDANT", trigger="StopAuthorized", stoppedReason="Local"))
    session = ChargingSession.objects.get(station=station)
    assert (session.id_tag, session.stop_id_tag) == ("DRIVER", "ATTENDANT")


def test_a_second_ended_never_moves_the_stop_back(station):
    apply(station, event("Started", 0, 0, wh=0))
    apply(station, event("Ended", 2, 30, wh=3000))
    second = apply(station, event("Ended", 3, 20, wh=2000))
    session = ChargingSession.objects.get(station=station)
    assert second.stopped is False
    assert (session.stopped_at, session.meter_stop) == (T0 + timedelta(minutes=30), 3000)


def test_a_new_transaction_on_the_evse_supersedes_the_open_one(station):
    apply(station, event("Started", 0, 0, tx="OLD", token="X", token_type="NoAuthorization"))
    apply(station, event("Started", 0, 5, tx="NEW"))
    old = ChargingSession.objects.get(station_transaction_id="OLD")
    assert (old.closed_reason, old.stopped_at is not None) == ("superseded", True)


def test_an_offline_start_delivered_late_supersedes_nothing(station):
    apply(station, event("Started", 0, 5, tx="NEW"))
    apply(station, event("Started", 0, 0, tx="OLD", offline=True))
    assert ChargingSession.objects.get(station_transaction_id="NEW").stopped_at is None


def test_remote_start_id_reservation_and_second_connector_of_an_evse(station):
    payload = event("Started", 0, 0, remoteStartId=77) | {"evse": {"id": 2, "connectorId": 2}}
    apply(station, payload)
    session = ChargingSession.objects.get(station=station)
    assert (session.remote_start_id, session.evse_id, session.connector_id) == (77, 2, 1002)


def test_a_2_0_1_sampled_value_applies_its_multiplier_and_unit():
    assert sampled_value_of_201({"value": 12.5, "unitOfMeasure": {"unit": "Wh", "multiplier": 3}}) == {
        "value": "1.25E+4", "measurand": "Energy.Active.Import.Register", "unit": "Wh"}
    power = sampled_value_of_201({"value": 7, "measurand": "Power.Active.Import", "phase": "L1"})
    assert power["unit"] == "W"


# Authorization ------------------------------------------------------------------------------------
def test_id_token_info_answers_group_expiry_language_and_message(tenant):
    make_id_tag(tenant, "FLEET", token_type="Central")
    make_id_tag(tenant, "04A2", parent_id_tag="fleet", language="de", personal_message="Hallo",
                expiry_date=datetime(2030, 1, 1, tzinfo=UTC))
    info = id_token_info(tenant_id=tenant.pk, id_token={"idToken": "04a2", "type": "ISO14443"})
    assert info == {"status": "Accepted", "cacheExpiryDateTime": "2030-01-01T00:00:00Z",
                    "groupIdToken": {"idToken": "FLEET", "type": "Central"}, "language1": "de",
                    "personalMessage": {"format": "UTF8", "content": "Hallo"}}


@pytest.mark.parametrize(("fields", "id_token", "status"), [
    ({}, {"idToken": "NOPE", "type": "ISO14443"}, "Unknown"),
    ({}, {"idToken": "TOK", "type": "eMAID"}, "Unknown"),  # known, but as another type
    ({}, {"idToken": "TOK", "type": "Central"}, "Accepted"),  # ours, for a remote start
    ({}, {"idToken": "", "type": "NoAuthorization"}, "Accepted"),
    ({"status": "Blocked"}, {"idToken": "TOK", "type": "ISO14443"}, "Blocked"),
    ({"status": "Invalid"}, {"idToken": "TOK", "type": "ISO14443"}, "Invalid"),
    ({"expiry_date": datetime(2020, 1, 1, tzinfo=UTC)}, {"idToken": "TOK", "type": "ISO14443"}, "Expired"),
])
def test_id_token_status_follows_the_tags_rules(tenant, fields, id_token, status):
    make_id_tag(tenant, "TOK", **fields)
    assert id_token_info(tenant_id=tenant.pk, id_token=id_token)["status"] == status


def test_a_card_at_its_session_limit_gets_concurrent_tx(station, tenant):
    make_id_tag(tenant, "ONCE", max_sessions=1)
    apply(station, event("Started", 0, 0, token="ONCE"))
    info = id_token_info(tenant_id=tenant.pk, id_token={"idToken": "ONCE", "type": "ISO14443"})
    assert info["status"] == "ConcurrentTx"


def test_decimal_energy_in_wh_is_kept_to_the_watt_hour(station):
    payload = event("Started", 0, 0)
    payload["meterValue"] = [{"timestamp": iso(T0), "sampledValue": [{"value": 1234.5678}]}]
    apply(station, payload)
    assert MeterSample.objects.get().value == Decimal("1234.5678")


def test_a_reserved_evse_started_with_its_reservation_uses_it(station, tenant):
    from stations.reservations.models import Reservation, ReservationStatus

    reservation = Reservation.objects.create(
        tenant=tenant, station=station, reservation_id=5, connector_id=1, id_tag="CARD",
        expiry_date=T0 + timedelta(hours=1), status=ReservationStatus.ACCEPTED)
    apply(station, event("Started", 0, 0, reservationId=5))
    apply(station, event("Updated", 1, 1, reservationId=5))  # named again: used once
    reservation.refresh_from_db()
    session = ChargingSession.objects.get(station=station)
    assert (reservation.status, reservation.session_id, session.reservation_id) == (
        ReservationStatus.USED, session.pk, 5)


def test_the_running_cost_is_billings_quote_and_none_without_a_tariff(station, tenant):
    from billing.services import tariff_create
    from stations.running_cost import session_running_cost
    from tests.factories import set_station_tariff

    untariffed = apply(station, event("Started", 0, 0, tx="FREE", wh=0))
    assert session_running_cost(session_id=untariffed.session_id) is None
    set_station_tariff(station, tariff_create(
        tenant=tenant, name="T", currency="EUR", vat_rate="19", idle_grace_minutes=15,
        elements=[{"price_components": [{"type": "ENERGY", "price": "0.30"}]}]))
    priced = apply(station, event("Started", 0, 0, tx="PRICED", wh=0))
    apply(station, event("Ended", 1, 30, tx="PRICED", wh=10_000))
    assert session_running_cost(session_id=priced.session_id) == Decimal("3.57")  # 3.00 + 19 % VAT


def test_an_online_event_after_the_connector_was_freed_keeps_the_session_running(station):
    from stations.services.session_lifecycle import sessions_free

    apply(station, event("Started", 0, 0, token="", token_type="NoAuthorization"), received_minute=1)
    sessions_free(station_id=station.pk, connector_id=1, at=T0 + timedelta(minutes=5), station_stamp=None)
    apply(station, event("Updated", 1, 3, offline=True), received_minute=6)  # older news
    assert not running_sessions().filter(station=station).exists()
    apply(station, event("Updated", 2, 7, state="Charging", trigger="CablePluggedIn"), received_minute=7)
    assert running_sessions().filter(station=station).exists()


def test_a_new_token_mid_transaction_becomes_the_sessions_but_an_older_one_delivered_late_does_not(
        station, tenant):
    for card in ("FIRST", "SECOND", "THIRD"):
        make_id_tag(tenant, card)
    apply(station, event("Started", 0, 0, token="FIRST", trigger="Authorized"))
    apply(station, event("Updated", 2, 2, token="THIRD", trigger="Authorized"))
    apply(station, event("Updated", 1, 1, token="SECOND", trigger="Authorized", offline=True))
    session = ChargingSession.objects.get(station=station)
    assert (session.id_tag, session.id_tag_status) == ("THIRD", "Accepted")


def test_an_ended_after_the_backend_closed_the_session_completes_it_late(station, settings):
    from stations.services.session_lifecycle import sessions_close_orphans, sessions_free

    free_vend = {"token": "", "token_type": "NoAuthorization"}
    apply(station, event("Started", 0, 0, wh=1_000, **free_vend), received_minute=1)
    apply(station, event("Updated", 1, 5, wh=3_000), received_minute=5)
    sessions_free(station_id=station.pk, connector_id=1, at=T0 + timedelta(minutes=6), station_stamp=None)
    grace = timedelta(seconds=settings.SESSION_STOP_GRACE_SECONDS + 1)
    closed = sessions_close_orphans(now=T0 + timedelta(minutes=6) + grace)
    assert closed == {"connector_available": 1}
    ended = apply(station, event("Ended", 2, 7, wh=3_500, stoppedReason="PowerLoss", offline=True),
                  received_minute=30)
    session = ChargingSession.objects.get(station=station)
    assert (ended.stopped, ended.completed_late) == (True, True)
    assert (session.meter_stop, session.stop_reason, session.stopped_at) == (
        3_500, "PowerLoss", T0 + timedelta(minutes=7))
