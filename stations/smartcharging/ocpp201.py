"""The smart-charging messages a 2.0.1 station sends (docs/smart-charging.md, OCPP 2.0.1):
ReportChargingProfiles, the parts of the answer to our GetChargingProfiles
(stations/smartcharging/services.py, `acharging_profiles_get`). Registered by importing this
module in the app's ready() (docs/architecture.md, path 1)."""

from datetime import datetime

from stations.ocpp.dbthreads import db
from stations.ocpp.link import Link
from stations.ocpp.registry import handles
from stations.smartcharging.services import charging_profiles_reported


@handles("2.0.1", "ReportChargingProfiles")
async def report_charging_profiles(link: Link, payload: dict, received_at: datetime) -> dict:
    await db(charging_profiles_reported, station_id=link.station.pk,
             request_id=payload["requestId"], evse_id=payload["evseId"],
             source=payload["chargingLimitSource"], profiles=payload["chargingProfile"],
             tbc=payload.get("tbc", False))
    return {}
