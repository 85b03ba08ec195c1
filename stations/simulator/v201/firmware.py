"""Firmware updates, publishing and log uploads of the simulated 2.0.1 station (block L, and
GetLog of block N).

UpdateFirmware: answered with `firmware_answer`; when accepted the image is fetched (HTTP(S) or
FTP, as the 1.6 simulator does: stations/simulator/firmware.py) and `firmware_script` is played:
the FirmwareStatusNotifications in order, "Boot" standing for a reboot on `new_firmware_version`.
Either attribute may be a list, one entry per UpdateFirmware received (the last one repeats),
so a case can script a first and a second update differently (L_10, L_11). A refused signing
certificate and a refused signature raise their security events, as a station must.

PublishFirmware (a local controller): answered with `publish_answer`, then `publish_script` is
played; the image counts as downloading until a final status, and as published after
"Published" (reported with the URIs it is served at), which is what UnpublishFirmware answers by.

A test or demo may also send statuses itself (`firmware_status`, `publish_status`,
`log_status`) and uploads (`upload`) in the order it wants to check."""

from ocpp.routing import on
from ocpp.v201 import call, call_result
from ocpp.v201.enums import Action

from stations.firmware.tokens import location_without_token
from stations.simulator.firmware import FirmwareStation

CERTIFICATE_REFUSALS = {"InvalidCertificate": "InvalidFirmwareSigningCertificate",
                        "RevokedCertificate": "InvalidFirmwareSigningCertificate"}
STATUS_EVENTS = {"InvalidSignature": "InvalidFirmwareSignature"}
PUBLISH_ENDS = frozenset({"Published", "DownloadFailed", "InvalidChecksum", "PublishFailed"})


def nth(value, n: int):
    """The n-th entry of a per-request list (the last one repeats), or the value itself."""
    return value[min(n, len(value) - 1)] if isinstance(value, list) else value


class FirmwareStation201:
    """UpdateFirmware, PublishFirmware, UnpublishFirmware, GetLog and their notifications."""

    firmware_answer: str | list[str] = "Accepted"  # UpdateFirmware's answer
    firmware_script: tuple[str, ...] | list[tuple[str, ...]] = ()  # statuses after an accepted update
    new_firmware_version = "2.1.0"  # what "Boot" in a script boots on
    publish_answer = "Accepted"  # PublishFirmware's answer
    publish_script: tuple[str, ...] = ("DownloadScheduled", "Downloading", "Downloaded",
                                       "ChecksumVerified", "Published")
    log_answer = "Accepted"  # GetLog's answer
    log_uploading: int | None = None  # the requestId of the upload under way
    # Fetching and uploading as the 1.6 simulator does.
    downloads = FirmwareStation.downloads
    locations = FirmwareStation.locations
    given = FirmwareStation.given
    download = FirmwareStation.download
    upload = FirmwareStation.upload

    def _sent_of(self, action: str) -> int:
        return sum(1 for name, _ in self.received if name == action)

    @on(Action.update_firmware)
    async def on_update_firmware(self, request_id, firmware, **kwargs):
        nth_update = self._sent_of("UpdateFirmware")
        self.given(firmware["location"])
        self.received.append(("UpdateFirmware", {"request_id": request_id, "firmware": firmware,
                                                  **kwargs}))
        answer = nth(self.firmware_answer, nth_update)
        if answer in ("Accepted", "AcceptedCanceled"):
            self.soon(self._update, firmware["location"], request_id,
                      tuple(nth(self.firmware_script, nth_update)))
        elif answer in CERTIFICATE_REFUSALS:
            self.soon(self.security_event, CERTIFICATE_REFUSALS[answer])
        return call_result.UpdateFirmware(status=answer)

    async def _update(self, location: str, request_id: int, script: tuple[str, ...]) -> None:
        import httpx  # only the file transfers need it (a dev dependency, as for the 1.6 simulator)

        try:
            await self.download(location)
        except (OSError, httpx.HTTPError) as unreachable:  # the script says what follows
            self.downloads[location_without_token(location)] = str(unreachable)
        for step in script:
            if step == "Boot":
                self.firmware_version = self.new_firmware_version
                await self.boot("FirmwareUpdate")
                continue
            await self.firmware_status(step, request_id)
            if step in STATUS_EVENTS:
                await self.security_event(STATUS_EVENTS[step])

    @on(Action.publish_firmware)
    async def on_publish_firmware(self, location, checksum, request_id, **kwargs):
        self.received.append(("PublishFirmware", {"location": location, "checksum": checksum,
                                                   "request_id": request_id, **kwargs}))
        if self.publish_answer == "Accepted":
            self.soon(self._publish, checksum, request_id)
        return call_result.PublishFirmware(status=self.publish_answer)

    async def _publish(self, checksum: str, request_id: int) -> None:
        self.publishing.add(checksum)
        for status in self.publish_script:
            if status in PUBLISH_ENDS:
                self.publishing.discard(checksum)
            if status == "Published":
                self.published.add(checksum)
            await self.publish_status(status, request_id, checksum)

    @property
    def publishing(self) -> set[str]:
        """Checksums of the images being fetched (UnpublishFirmware: DownloadOngoing)."""
        if not hasattr(self, "_publishing"):
            self._publishing: set[str] = set()
        return self._publishing

    @property
    def published(self) -> set[str]:
        if not hasattr(self, "_published"):
            self._published: set[str] = set()
        return self._published

    def served_at(self, checksum: str) -> list[str]:
        return [f"http://lc.{self.id}.local/firmware/{checksum}.bin",
                f"ftp://lc.{self.id}.local/firmware/{checksum}.bin"]

    @on(Action.unpublish_firmware)
    async def on_unpublish_firmware(self, checksum, **kwargs):
        self.received.append(("UnpublishFirmware", {"checksum": checksum}))
        if checksum in self.publishing:
            return call_result.UnpublishFirmware(status="DownloadOngoing")
        if checksum not in self.published:
            return call_result.UnpublishFirmware(status="NoFirmware")
        self.published.discard(checksum)
        return call_result.UnpublishFirmware(status="Unpublished")

    @on(Action.get_log)
    async def on_get_log(self, log_type, request_id, log, **kwargs):
        self.given(log["remote_location"])
        self.received.append(("GetLog", {"log_type": log_type, "request_id": request_id,
                                         "log": log, **kwargs}))
        if self.log_answer != "Accepted":
            return call_result.GetLog(status=self.log_answer)
        status, under_way = "Accepted", self.log_uploading
        if under_way is not None:  # one upload at a time: the one under way is dropped (N01)
            status, self.log_uploading = "AcceptedCanceled", None
            self.soon(self.log_status, "AcceptedCanceled", under_way)
        return call_result.GetLog(status=status, filename=f"{log_type}-{self.id}.log")

    async def firmware_status(self, status: str, request_id: int | None = None) -> None:
        await self.call(call.FirmwareStatusNotification(status=status, request_id=request_id))

    async def publish_status(self, status: str, request_id: int | None = None,
                             checksum: str = "") -> None:
        location = self.served_at(checksum) if status == "Published" else None
        await self.call(call.PublishFirmwareStatusNotification(status=status, location=location,
                                                               request_id=request_id))

    async def log_status(self, status: str, request_id: int | None = None) -> None:
        """Report on an upload; from Uploading until another status it is under way, and a
        GetLog meanwhile is answered AcceptedCanceled (the upload reported cancelled)."""
        self.log_uploading = request_id if status == "Uploading" else None
        await self.call(call.LogStatusNotification(status=status, request_id=request_id))
