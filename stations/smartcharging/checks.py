"""What a charging profile must satisfy before it is sent: the OCPP schema, then the rules of
OCPP 1.6 section 3.13 the schema cannot express. A failure is a 400 naming the field.

Profiles are taken and stored in 1.6's shape for stations of either version; for a 2.0.1
station a ChargingStationMaxProfile is taken by that name too (stored as the 1.6
ChargePointMaxProfile), the schema checked is 2.0.1's on the profile as it will be worded
(stations/ocpp/v201/commands.py), and a TxProfile is bound to the string transaction id of the
session running on the EVSE (docs/smart-charging.md, OCPP 2.0.1)."""

from decimal import Decimal

from stations import timestamps
from stations.commands.requests import ChargingProfileSet
from stations.commands.sending import CommandInvalid
from stations.models import Station
from stations.ocpp.errors import OcppError
from stations.ocpp.v16 import schemas
from stations.ocpp.v201 import commands as v201_commands
from stations.ocpp.v201 import schemas as v201_schemas
from stations.services.session_lifecycle import running_sessions
from stations.smartcharging.models import Purpose

INT_MAX = 2**31 - 1  # OCPP's integers are 32-bit, and so are the columns that store them
LIMIT_MAX = Decimal("99999999.9")  # what the limit columns hold (max_digits=9, decimal_places=1)
# 2.0.1's purpose for limits external systems set on the station: reported to us, never sent.
EXTERNAL_CONSTRAINTS = "ChargingStationExternalConstraints"


class ProfileInvalid(CommandInvalid):
    """A 400 with the reason under the offending request field (as DRF's field errors)."""

    def __init__(self, reason: str, field: str = "charging_profile"):
        super().__init__(reason)
        self.body = {field: [reason]}


def check_schema(action: str, payload: dict, field: str = "charging_profile",
                 version: str = "1.6") -> None:
    try:
        (v201_schemas if version == "2.0.1" else schemas).validate(action, payload)
    except OcppError as error:
        raise ProfileInvalid(f"{error.code}: {error.description}", field) from None


def check_schedule(profile: dict) -> None:
    """Rules on the schedule and validity that hold for every purpose."""
    schedule = profile["chargingSchedule"]
    periods = schedule["chargingSchedulePeriod"]
    check_ranges(profile)
    if not periods:
        raise ProfileInvalid("The schedule needs at least one period.")
    starts = [p["startPeriod"] for p in periods]
    if starts[0] != 0 or any(b <= a for a, b in zip(starts, starts[1:], strict=False)):
        raise ProfileInvalid("Periods start at 0 and their startPeriod increases.")
    # 0 is allowed: it pauses charging (IEC 61851 cannot signal 0 < I < 6 A).
    if any(Decimal(str(p["limit"])) < 0 for p in periods):
        raise ProfileInvalid("A period's limit cannot be negative.")
    if any(p.get("numberPhases") not in (None, 1, 2, 3) for p in periods):
        raise ProfileInvalid("numberPhases is 1, 2 or 3.")
    if Decimal(str(schedule.get("minChargingRate", 0))) < 0:
        raise ProfileInvalid("minChargingRate cannot be negative.")
    if schedule.get("duration") is not None and schedule["duration"] <= 0:
        raise ProfileInvalid("A schedule's duration is positive.")
    valid_from = timestamps.parse(profile.get("validFrom"))
    valid_to = timestamps.parse(profile.get("validTo"))
    if valid_from and valid_to and valid_to <= valid_from:
        raise ProfileInvalid("validTo must be after validFrom.")
    if profile["chargingProfileKind"] == "Recurring":
        if not profile.get("recurrencyKind") or not schedule.get("startSchedule"):
            raise ProfileInvalid("A Recurring profile needs recurrencyKind and startSchedule.")
    elif profile.get("recurrencyKind"):
        raise ProfileInvalid("recurrencyKind belongs to a Recurring profile only.")


def check_ranges(profile: dict) -> None:
    """Numbers the schema leaves unbounded, within what a station and our columns hold."""
    schedule = profile["chargingSchedule"]
    transaction_id = profile.get("transactionId")
    integers = [profile["chargingProfileId"], profile["stackLevel"],
                transaction_id if isinstance(transaction_id, int) else None, schedule.get("duration"),
                *(p["startPeriod"] for p in schedule["chargingSchedulePeriod"])]
    if any(abs(n) > INT_MAX for n in integers if n is not None):
        raise ProfileInvalid(f"chargingProfileId, stackLevel, transactionId, duration and startPeriod "
                             f"are at most {INT_MAX}.")
    rates = [schedule.get("minChargingRate"), *(p["limit"] for p in schedule["chargingSchedulePeriod"])]
    if any(Decimal(str(r)) > LIMIT_MAX for r in rates if r is not None):
        raise ProfileInvalid(f"A limit or minChargingRate is at most {LIMIT_MAX}.")


def running_transaction(station: Station, connector_id: int,
                        transaction_id: int | str | None = None) -> int | str | None:
    """The id of the transaction running on the connector (the given one, if it runs there): a
    session the station lost or refused is not running (docs/sessions.md). For a 2.0.1 station
    `connector_id` is the EVSE and the id is the station's string."""
    if station.ocpp_version == "2.0.1":
        sessions = running_sessions().filter(station=station, evse_id=connector_id)
        if transaction_id is not None:
            sessions = sessions.filter(station_transaction_id=str(transaction_id))
        return (sessions.order_by("-started_at").values_list("station_transaction_id", flat=True)
                .first())
    sessions = running_sessions().filter(station=station, connector_id=connector_id)
    if transaction_id is not None:
        sessions = sessions.filter(transaction_id=transaction_id)
    return sessions.order_by("-started_at").values_list("transaction_id", flat=True).first()


def stored_form(station: Station, profile: dict) -> dict:
    """A profile as we store it: a 2.0.1 station's ChargingStationMaxProfile under 1.6's name."""
    if station.ocpp_version == "2.0.1" and isinstance(profile.get("chargingProfilePurpose"), str):
        return profile | {"chargingProfilePurpose": v201_commands.purpose_of(
            profile["chargingProfilePurpose"])}
    return profile


def _check_schema_of(station: Station, connector_id: int, profile: dict) -> None:
    if station.ocpp_version != "2.0.1":
        check_schema("SetChargingProfile", {"connectorId": connector_id,
                                            "csChargingProfiles": profile})
        return
    # The 1.6 shape first (what we store), then 2.0.1's schema on the profile as worded for it.
    check_schema("SetChargingProfile", {"connectorId": connector_id, "csChargingProfiles":
                                        {k: v for k, v in profile.items() if k != "transactionId"}})
    if "transactionId" in profile and not isinstance(profile["transactionId"], str | int):
        raise ProfileInvalid("transactionId is the station's transaction id (a string).")
    _, payload = v201_commands.call_of(ChargingProfileSet(evse_id=connector_id, profile=profile))
    check_schema("SetChargingProfile", payload, version="2.0.1")


def checked_profile(station: Station, connector_id: int, profile: dict) -> dict:
    """The profile to send with SetChargingProfile; a TxProfile is bound to its transaction."""
    if isinstance(profile, dict) and profile.get("chargingProfilePurpose") == EXTERNAL_CONSTRAINTS:
        raise ProfileInvalid("A ChargingStationExternalConstraints profile is set on the station "
                             "by an external system (a grid operator, an energy management "
                             "system), never by the CSMS: the station reports it "
                             "(NotifyChargingLimit, GetChargingProfiles).")
    profile = stored_form(station, profile)
    _check_schema_of(station, connector_id, profile)
    check_schedule(profile)
    purpose = profile["chargingProfilePurpose"]
    if purpose == Purpose.CHARGE_POINT_MAX and connector_id != 0:
        raise ProfileInvalid("A ChargePointMaxProfile is set on connector 0 only.", "connector_id")
    if purpose == Purpose.TX:
        if connector_id == 0:
            raise ProfileInvalid("A TxProfile is set on a connector with a transaction, not 0.",
                                 "connector_id")
        given = profile.get("transactionId")
        running = running_transaction(station, connector_id, given)
        if running is None:
            where = f"transaction {given}" if given is not None else "transaction"
            raise ProfileInvalid(f"A TxProfile needs a running {where} on connector {connector_id}.")
        profile = profile | {"transactionId": running}
    elif "transactionId" in profile:
        raise ProfileInvalid("Only a TxProfile has a transactionId.")
    return profile


def checked_remote_start(id_tag: str, connector_id: int | None, profile: dict | None,
                         version: str = "1.6") -> dict:
    """The RemoteStartTransaction payload, its profile checked (a TxProfile, no transaction yet).
    For a 2.0.1 station: the profile in the stored (1.6) shape, then RequestStartTransaction as
    2.0.1 words it (a 36-character idToken, the EVSE, the profile in 2.0.1's words)."""
    payload = {"idTag": id_tag}
    if connector_id is not None:
        payload["connectorId"] = connector_id
    if profile is not None:
        payload["chargingProfile"] = profile
    if version == "2.0.1":
        if profile is not None:
            check_schema("SetChargingProfile", {"connectorId": connector_id or 0,
                                                "csChargingProfiles": profile})
        check_schema("RequestStartTransaction", _without_none({
            "idToken": {"idToken": id_tag, "type": "ISO14443"}, "remoteStartId": 1,
            "evseId": connector_id,
            "chargingProfile": None if profile is None else v201_commands.charging_profile_word(profile)}),
            version="2.0.1")
    else:
        check_schema("RemoteStartTransaction", payload)
    if profile is not None:
        if profile["chargingProfilePurpose"] != Purpose.TX:
            raise ProfileInvalid("A remote start's profile is a TxProfile.")
        if "transactionId" in profile:
            raise ProfileInvalid("A remote start's profile has no transactionId: it starts one.")
        check_schedule(profile)
    return payload


def _without_none(payload: dict) -> dict:
    return {key: value for key, value in payload.items() if value is not None}
