"""Who may do what over FTP: a user named after a job with the job's token as password reaches
that job's file and nothing else, and only while the HTTP URL of the job would work too
(`selectors.open_for_transfer`): a used, finished or expired job refuses the login. The password
is checked against the job's stored hash in constant time (`tokens.token_matches`)."""

from dataclasses import dataclass
from pathlib import Path

from stations.firmware import selectors
from stations.firmware.models import UploadRequest
from stations.firmware.services import uploads
from stations.firmware.services.transfer import FIRMWARE
from stations.firmware.tokens import token_matches


class CredentialRefused(Exception):
    """Unknown, wrong, used or expired FTP credentials."""


@dataclass(frozen=True)
class Grant:
    """What one FTP login may do: read one image (firmware) or store one file (uploads)."""

    kind: str
    job_id: int
    token: str
    folder: Path | None = None  # firmware: the image's folder
    filename: str = ""  # firmware: the one file it may read

    @property
    def reads(self) -> bool:
        return self.kind == FIRMWARE


def ftp_grant(*, username: str, password: str) -> Grant:
    """The grant of valid credentials; CredentialRefused otherwise."""
    kind, _, pk = username.rpartition("-")
    if not pk.isdigit() or not password:
        raise CredentialRefused("Unknown user or wrong password")
    if kind == FIRMWARE:
        return _firmware_grant(int(pk), password)
    if kind in (UploadRequest.DIAGNOSTICS, UploadRequest.LOG):
        return upload_grant_check(Grant(kind, int(pk), password))
    raise CredentialRefused("Unknown user or wrong password")


def _firmware_grant(pk: int, token: str) -> Grant:
    job = selectors.firmware_job_fetchable(pk)
    if job is None or not token_matches(token, job.token_hash) or not job.firmware.file:
        raise CredentialRefused("Unknown user or wrong password, or the job is over")
    path = Path(job.firmware.file.path)
    return Grant(FIRMWARE, pk, token, folder=path.parent, filename=path.name)


def upload_grant_check(grant: Grant) -> Grant:
    """The grant while its request still takes a file: at login and again before a STOR."""
    requests = UploadRequest.objects.filter(pk=grant.job_id, kind=grant.kind)
    known = requests.values_list("token_hash", flat=True)
    if not known or not token_matches(grant.token, known[0]):
        raise CredentialRefused("Unknown user or wrong password")
    try:
        uploads.upload_check(token=grant.token)
    except uploads.UploadNotFound:
        raise CredentialRefused("This upload is over") from None
    except uploads.UploadGone:
        raise CredentialRefused("This upload was used already") from None
    return grant
