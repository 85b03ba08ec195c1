"""One OCPP 2.0.1 station of the fleet: the same light raw-frame station as fleet_station.py,
speaking 2.0.1 (BootNotification with a reason, StatusNotification per EVSE and connector,
Authorize with an idToken, TransactionEvent Started / Updated with meter values / Ended with
the station's own transaction id and seqNo). bench/README.md: how a mixed fleet is run."""

import asyncio
import random
import time
import uuid

from bench.fleet_station import TAG, FleetStation, now_iso

ID_TOKEN = {"idToken": TAG, "type": "ISO14443"}

# Answers to the backend's commands that are not a plain {"status": "Accepted"}.
ANSWERS = {
    "GetVariables": {"getVariableResult": [{
        "attributeStatus": "UnknownComponent", "component": {"name": "Fleet"},
        "variable": {"name": "Unknown"}}]},
    "SetVariables": {"setVariableResult": [{
        "attributeStatus": "UnknownComponent", "component": {"name": "Fleet"},
        "variable": {"name": "Unknown"}}]},
    "GetTransactionStatus": {"messagesInQueue": False},
    "CostUpdated": {},
    "GetLocalListVersion": {"versionNumber": 0},
}


class FleetStation201(FleetStation):
    SUBPROTOCOL = "ocpp2.0.1"
    FIRST_STATUS = 1  # from EVSE 1 on (a 2.0.1 status is an EVSE connector's)

    def answer(self, action: str) -> dict:
        return ANSWERS.get(action, {"status": "Accepted"})

    async def boot(self) -> dict:
        return await self.call("BootNotification", {
            "chargingStation": {"vendorName": "Fleet", "model": "SIM-201"}, "reason": "PowerUp"})

    async def status(self, evse: int, status: str) -> None:
        await self.call("StatusNotification", {"timestamp": now_iso(), "connectorStatus": status,
                                               "evseId": evse, "connectorId": 1})

    async def _session(self, until: float) -> None:
        await self.call("Authorize", {"idToken": ID_TOKEN})
        await self.status(1, "Occupied")
        start_wh = self.meter_wh
        transaction_id, seq_no = str(uuid.uuid4()), 0
        await self.call("TransactionEvent", {
            "eventType": "Started", "timestamp": now_iso(), "triggerReason": "Authorized",
            "seqNo": seq_no, "transactionInfo": {"transactionId": transaction_id,
                                                 "chargingState": "Charging"},
            "evse": {"id": 1, "connectorId": 1}, "idToken": ID_TOKEN,
            "meterValue": [self._energy("Transaction.Begin")]})
        length = self.options.session_length * random.uniform(0.5, 1.5)
        ends = min(until - 1, time.monotonic() + length)
        while time.monotonic() + self.options.meter_interval < ends:
            await asyncio.sleep(self.options.meter_interval)
            self.meter_wh += random.randint(100, 3000)
            seq_no += 1
            await self.call("TransactionEvent", {
                "eventType": "Updated", "timestamp": now_iso(),
                "triggerReason": "MeterValuePeriodic", "seqNo": seq_no,
                "transactionInfo": {"transactionId": transaction_id},
                "meterValue": [self._sample_201()]})
            self.stats.meter_values += 1
        seq_no += 1
        await self.call("TransactionEvent", {
            "eventType": "Ended", "timestamp": now_iso(), "triggerReason": "EVDeparted",
            "seqNo": seq_no, "transactionInfo": {"transactionId": transaction_id,
                                                 "stoppedReason": "EVDisconnected"},
            "meterValue": [self._energy("Transaction.End")]})
        self.stats.sessions += 1
        self.stats.session_energy_wh += self.meter_wh - start_wh
        await self.status(1, "Available")

    def _energy(self, context: str) -> dict:
        return {"timestamp": now_iso(), "sampledValue": [{
            "value": self.meter_wh, "measurand": "Energy.Active.Import.Register",
            "context": context, "unitOfMeasure": {"unit": "Wh"}}]}

    def _sample_201(self) -> dict:
        values = [{"value": self.meter_wh, "measurand": "Energy.Active.Import.Register",
                   "context": "Sample.Periodic", "unitOfMeasure": {"unit": "Wh"}},
                  {"value": 11040, "measurand": "Power.Active.Import",
                   "context": "Sample.Periodic", "unitOfMeasure": {"unit": "W"}}]
        for phase in ("L1", "L2", "L3"):
            values.append({"value": round(random.uniform(15.5, 16.2), 2),
                           "measurand": "Current.Import", "phase": phase,
                           "context": "Sample.Periodic", "unitOfMeasure": {"unit": "A"}})
            values.append({"value": round(random.uniform(228, 233), 1), "measurand": "Voltage",
                           "phase": f"{phase}-N", "context": "Sample.Periodic",
                           "unitOfMeasure": {"unit": "V"}})
        return {"timestamp": now_iso(), "sampledValue": values}
