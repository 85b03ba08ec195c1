"""Firmware Management, diagnostics, and the Security extension's signed updates and logs."""

import asyncio
import ftplib
import io
from urllib.parse import unquote, urlsplit

from ocpp.routing import on
from ocpp.v16 import call_result
from ocpp.v16.enums import Action

from stations.firmware.tokens import location_without_token


class FirmwareStation:
    """Firmware Management, diagnostics, and the Security extension's signed updates and logs."""

    firmware_answer = "Accepted"  # SignedUpdateFirmware's answer
    log_answer = "Accepted"  # GetLog's answer

    @property
    def downloads(self) -> dict[str, bytes | int]:
        """Firmware fetched, by its location as the central system shows it (without the token):
        the image, or the HTTP status that refused it."""
        if not hasattr(self, "_downloads"):
            self._downloads: dict[str, bytes | int] = {}
        return self._downloads

    @property
    def locations(self) -> dict[str, str]:
        """The locations the central system sent, by the location it shows (without the token)."""
        if not hasattr(self, "_locations"):
            self._locations: dict[str, str] = {}
        return self._locations

    def given(self, location: str) -> str:
        """Remember a location a CALL gave this station."""
        self.locations[location_without_token(location)] = location
        return location

    async def download(self, url: str) -> bytes | int:
        """Fetch by HTTP(S) or FTP: the image, or the status (HTTP) or reply code (FTP) refusing it."""
        shown = location_without_token(url)
        if url.startswith("ftp://"):
            self.downloads[shown] = await asyncio.to_thread(ftp_transfer, url, "RETR")
            return self.downloads[shown]
        import httpx  # only the file transfers need it

        async with httpx.AsyncClient(timeout=15) as client:
            response = await client.get(url)
        self.downloads[shown] = response.content if response.status_code == 200 else response.status_code
        return self.downloads[shown]

    async def upload(self, location: str, content: bytes, filename: str, method: str = "PUT") -> int:
        """Upload a diagnostics or log file as stations do: the raw body (PUT) or a form (POST),
        or over FTP into the location's folder (the FTP reply code: 226 when stored). A location
        as the central system shows it stands for the one it sent."""
        location = self.locations.get(location, location)
        if location.startswith("ftp://"):
            return await asyncio.to_thread(ftp_transfer, location, "STOR", content, filename)
        import httpx

        async with httpx.AsyncClient(timeout=15) as client:
            if method == "PUT":
                response = await client.put(location, content=content,
                                            headers={"Content-Type": "application/octet-stream"})
            else:
                response = await client.post(location, files={"file": (filename, content)})
        return response.status_code

    @on(Action.update_firmware)
    async def on_update_firmware(self, location, retrieve_date, **kwargs):
        self.received.append(("UpdateFirmware", {"location": self.given(location),
                                                  "retrieve_date": retrieve_date, **kwargs}))
        asyncio.get_running_loop().call_soon(lambda: asyncio.ensure_future(self.download(location)))
        return call_result.UpdateFirmware()

    @on(Action.signed_update_firmware)
    async def on_signed_update_firmware(self, request_id, firmware, **kwargs):
        self.given(firmware["location"])
        self.received.append(("SignedUpdateFirmware", {"request_id": request_id, "firmware": firmware,
                                                        **kwargs}))
        if self.firmware_answer == "Accepted":
            asyncio.get_running_loop().call_soon(
                lambda: asyncio.ensure_future(self.download(firmware["location"])))
        return call_result.SignedUpdateFirmware(status=self.firmware_answer)

    @on(Action.get_diagnostics)
    async def on_get_diagnostics(self, location, **kwargs):
        self.received.append(("GetDiagnostics", {"location": self.given(location), **kwargs}))
        return call_result.GetDiagnostics(file_name=f"diagnostics-{self.id}.log")

    @on(Action.get_log)
    async def on_get_log(self, log_type, request_id, log, **kwargs):
        self.given(log["remote_location"])
        self.received.append(("GetLog", {"log_type": log_type, "request_id": request_id, "log": log,
                                         **kwargs}))
        if self.log_answer != "Accepted":
            return call_result.GetLog(status=self.log_answer)
        return call_result.GetLog(status="Accepted", filename=f"{log_type}-{self.id}.log")


def ftp_transfer(url: str, command: str, content: bytes = b"", filename: str = "") -> bytes | int:
    """RETR the URL's file, or STOR `content` as `filename` in the URL's folder, as a station's
    FTP client does (passive mode, binary); the reply code of a refusal instead of raising."""
    parts = urlsplit(url)
    ftp = ftplib.FTP(timeout=15)
    try:
        ftp.connect(parts.hostname, parts.port or 21)
        ftp.login(unquote(parts.username or "anonymous"), unquote(parts.password or ""))
        if command == "RETR":
            received = io.BytesIO()
            ftp.retrbinary(f"RETR {unquote(parts.path)}", received.write)
            return received.getvalue()
        folder = unquote(parts.path).rstrip("/")
        reply = ftp.storbinary(f"STOR {folder}/{filename}", io.BytesIO(content))
        return int(reply[:3])
    except ftplib.Error as refused:
        return int(str(refused)[:3])
    finally:
        ftp.close()
