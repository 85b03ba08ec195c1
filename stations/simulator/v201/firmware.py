"""Firmware updates and log uploads of the simulated 2.0.1 station: UpdateFirmware is accepted
and the image fetched (HTTP(S) or FTP, as the 1.6 simulator does: stations/simulator/firmware.py),
GetLog is accepted with a file name; the test or demo then sends the status notifications
(`firmware_status`, `log_status`) and uploads (`upload`) in the order it wants to check."""

from ocpp.routing import on
from ocpp.v201 import call, call_result
from ocpp.v201.enums import Action

from stations.simulator.firmware import FirmwareStation


class FirmwareStation201:
    """UpdateFirmware, GetLog, FirmwareStatusNotification, LogStatusNotification."""

    firmware_answer = "Accepted"  # UpdateFirmware's answer
    log_answer = "Accepted"  # GetLog's answer
    # Fetching and uploading as the 1.6 simulator does.
    downloads = FirmwareStation.downloads
    locations = FirmwareStation.locations
    given = FirmwareStation.given
    download = FirmwareStation.download
    upload = FirmwareStation.upload

    @on(Action.update_firmware)
    async def on_update_firmware(self, request_id, firmware, **kwargs):
        self.given(firmware["location"])
        self.received.append(("UpdateFirmware", {"request_id": request_id, "firmware": firmware,
                                                  **kwargs}))
        if self.firmware_answer == "Accepted":
            self.soon(self.download, firmware["location"])
        return call_result.UpdateFirmware(status=self.firmware_answer)

    @on(Action.get_log)
    async def on_get_log(self, log_type, request_id, log, **kwargs):
        self.given(log["remote_location"])
        self.received.append(("GetLog", {"log_type": log_type, "request_id": request_id,
                                         "log": log, **kwargs}))
        if self.log_answer != "Accepted":
            return call_result.GetLog(status=self.log_answer)
        return call_result.GetLog(status="Accepted", filename=f"{log_type}-{self.id}.log")

    async def firmware_status(self, status: str, request_id: int | None = None) -> None:
        await self.call(call.FirmwareStatusNotification(status=status, request_id=request_id))

    async def log_status(self, status: str, request_id: int | None = None) -> None:
        await self.call(call.LogStatusNotification(status=status, request_id=request_id))
