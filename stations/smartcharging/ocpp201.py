"""The smart-charging messages a 2.0.1 station sends (docs/smart-charging.md, OCPP 2.0.1):
ReportChargingProfiles, the parts of the answer to our GetChargingProfiles
(stations/smartcharging/services.py, `acharging_profiles_get`); NotifyChargingLimit and
ClearedChargingLimit, the limits external systems set on it (stations/smartcharging/limits.py),
told to the apps above as `ChargingLimitChanged` (load management rebalances). Registered by
importing this module in the app's ready() (docs/architecture.md, path 1)."""

from datetime import datetime

from stations import events, timestamps
from stations.ocpp.dbthreads import db
from stations.ocpp.link import Link
from stations.ocpp.registry import after_answer, follow, handles
from stations.smartcharging import ev_needs
from stations.smartcharging.limits import charging_limit_cleared, charging_limit_notified
from stations.smartcharging.services import charging_profiles_reported


@handles("2.0.1", "ReportChargingProfiles")
async def report_charging_profiles(link: Link, payload: dict, received_at: datetime) -> dict:
    await db(charging_profiles_reported, station_id=link.station.pk,
             request_id=payload["requestId"], evse_id=payload["evseId"],
             source=payload["chargingLimitSource"], profiles=payload["chargingProfile"],
             tbc=payload.get("tbc", False))
    return {}


@handles("2.0.1", "NotifyChargingLimit")
async def notify_charging_limit(link: Link, payload: dict, received_at: datetime) -> dict:
    station, limit = link.station, payload["chargingLimit"]
    row = await db(charging_limit_notified, station_id=station.pk, tenant_id=station.tenant_id,
                   evse_id=payload.get("evseId"), source=limit["chargingLimitSource"],
                   grid_critical=limit.get("isGridCritical"),
                   schedules=payload.get("chargingSchedule"), received_at=received_at)
    follow(events.publish(events.ChargingLimitChanged(station, (row.evse_id,), link=link)))
    return {}


@handles("2.0.1", "ClearedChargingLimit")
async def cleared_charging_limit(link: Link, payload: dict, received_at: datetime) -> dict:
    evses = await db(charging_limit_cleared, station_id=link.station.pk,
                     evse_id=payload.get("evseId"), source=payload["chargingLimitSource"],
                     received_at=received_at)
    if evses:
        follow(events.publish(events.ChargingLimitChanged(link.station, tuple(evses),
                                                          cleared=True, link=link)))
    return {}


@handles("2.0.1", "NotifyEVChargingNeeds")
async def notify_ev_charging_needs(link: Link, payload: dict, received_at: datetime) -> dict:
    """Stored, then answered with a TxProfile after the answer (2.0.1 K15, K17): load
    management's where it steers the station, else the car's own limits (ev_needs.py)."""
    station, evse_id = link.station, payload["evseId"]
    if evse_id < 1:  # needs are those of a car on an EVSE: never 0, nor below
        return {"status": ev_needs.REJECTED, "statusInfo": {"reasonCode": "UnknownEVSE"}}
    needs = await db(ev_needs.charging_needs_record, station_id=station.pk, evse_id=evse_id,
                     needs=payload["chargingNeeds"],
                     max_schedule_tuples=payload.get("maxScheduleTuples"), received_at=received_at)
    if needs.status == ev_needs.ACCEPTED:
        follow_ups = events.publish(events.ChargingNeedsReceived(station, evse_id, needs.session_id,
                                                                 link=link))
        follow(follow_ups or [lambda: ev_needs.aneeds_answer(station_id=station.pk,
                                                             evse_id=evse_id)])
        return {"status": needs.status}
    return {"status": needs.status, "statusInfo": {"reasonCode": "NoTransaction"}}


@handles("2.0.1", "NotifyEVChargingSchedule")
async def notify_ev_charging_schedule(link: Link, payload: dict, received_at: datetime) -> dict:
    """Accepted within the profile we gave, else Rejected and the profile sent again for the
    car to renegotiate (2.0.1 K15.FR.12/13)."""
    station, evse_id = link.station, payload["evseId"]
    if evse_id < 1:  # a car's schedule on an EVSE: never 0 nor below
        return {"status": ev_needs.REJECTED, "statusInfo": {"reasonCode": "UnknownEVSE"}}
    row = await db(ev_needs.ev_schedule_check, station_id=station.pk, evse_id=evse_id,
                   time_base=timestamps.parse(payload["timeBase"]),
                   schedule=payload["chargingSchedule"], received_at=received_at)
    if row.status == ev_needs.REJECTED:
        after_answer(lambda: ev_needs.arenegotiate(station_id=station.pk, evse_id=evse_id,
                                                   profile_id=row.profile_id))
        return {"status": row.status, "statusInfo": {"reasonCode": "ExceedsProfile",
                                                      "additionalInfo": row.reason[:512]}}
    return {"status": row.status}
