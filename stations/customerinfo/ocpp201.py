"""NotifyCustomerInformation from 2.0.1 stations: each part of a report kept on its request
(stations/customerinfo/services.py). Registered in StationsConfig.ready()."""

from datetime import datetime

from stations import timestamps
from stations.customerinfo.services import customer_information_part_record
from stations.ocpp.dbthreads import db
from stations.ocpp.link import Link
from stations.ocpp.registry import handles


@handles("2.0.1", "NotifyCustomerInformation")
async def notify_customer_information(link: Link, payload: dict, received_at: datetime) -> dict:
    await db(customer_information_part_record, station_id=link.station.pk,
             request_id=payload["requestId"], seq_no=payload["seqNo"],
             tbc=payload.get("tbc", False), data=payload["data"],
             generated_at=timestamps.parse(payload["generatedAt"]), received_at=received_at)
    return {}
