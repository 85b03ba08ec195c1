"""Where a station fetches its firmware and uploads its files: which scheme it gets is its own
choice, else its model's (the quirks), else HTTP (docs/file-transfer.md).

Each job has one secret token. Over HTTP(S) it is part of the URL; over FTP it is the password
of a user named after the job (`firmware-12`, `diagnostics-34`, `log-56`; see `ftp_grants`)."""

from urllib.parse import quote, urlsplit

from django.conf import settings

from stations.firmware.models import FirmwareJob, UploadRequest
from stations.models import Station
from stations.quirks import quirks_of

HTTP, FTP = "http", "ftp"
FIRMWARE = "firmware"


def transfer_scheme(station: Station) -> str:
    """FTP if the station (or else its model) asks for it and the FTP server runs; else HTTP."""
    scheme = station.file_transfer or quirks_of(station).file_transfer or HTTP
    return FTP if scheme == FTP and settings.FTP_ENABLED else HTTP


def firmware_location(job: FirmwareJob) -> str:
    filename = job.firmware.filename
    if transfer_scheme(job.station) == FTP:
        return _ftp_url(f"{FIRMWARE}-{job.pk}", job.token, filename)
    return _http_url(f"/ocpp-files/firmware/{job.token}/{quote(filename)}")


def upload_location(request: UploadRequest) -> str:
    if transfer_scheme(request.station) == FTP:
        return _ftp_url(f"{request.kind}-{request.pk}", request.token, "")
    return _http_url(f"/ocpp-files/upload/{request.token}/")


def _http_url(path: str) -> str:
    return settings.PUBLIC_BASE_URL.rstrip("/") + path


def _ftp_url(user: str, token: str, path: str) -> str:
    return f"ftp://{user}:{token}@{urlsplit(settings.FTP_PUBLIC_URL).netloc}/{quote(path)}"
