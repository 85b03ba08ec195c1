"""Where a station fetches its firmware and uploads its files: which scheme it gets is its own
choice, else its model's (the quirks), else HTTP (docs/file-transfer.md).

Each job has one secret token, made when it is sent (`tokens.py`). Over HTTP(S) it is part of
the URL; over FTP it is the password of a user named after the job (`firmware-12`,
`diagnostics-34`, `log-56`; see `ftp_grants`). Without a token, a location is the one shown
before the job is sent (`tokens.ELLIPSIS` where the token goes)."""

from urllib.parse import quote, urlsplit

from django.conf import settings

from stations.firmware.models import FirmwareJob, UploadRequest
from stations.firmware.tokens import ELLIPSIS
from stations.models import Station
from stations.quirks import quirks_of

HTTP, FTP = "http", "ftp"
FIRMWARE = "firmware"


def transfer_scheme(station: Station) -> str:
    """FTP if the station (or else its model) asks for it and the FTP server runs; else HTTP."""
    scheme = station.file_transfer or quirks_of(station).file_transfer or HTTP
    return FTP if scheme == FTP and settings.FTP_ENABLED else HTTP


def firmware_location(job: FirmwareJob, token: str = ELLIPSIS) -> str:
    filename = job.firmware.filename
    if transfer_scheme(job.station) == FTP:
        return _ftp_url(f"{FIRMWARE}-{job.pk}", token, filename)
    return _http_url(f"/ocpp-files/firmware/{token}/{quote(filename)}")


def upload_location(request: UploadRequest, token: str = ELLIPSIS) -> str:
    if transfer_scheme(request.station) == FTP:
        return _ftp_url(f"{request.kind}-{request.pk}", token, "")
    return _http_url(f"/ocpp-files/upload/{token}/")


def _http_url(path: str) -> str:
    return settings.PUBLIC_BASE_URL.rstrip("/") + path


def _ftp_url(user: str, token: str, path: str) -> str:
    return f"ftp://{user}:{token}@{urlsplit(settings.FTP_PUBLIC_URL).netloc}/{quote(path)}"
