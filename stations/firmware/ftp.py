"""The FTP server for stations that fetch firmware and upload files only over FTP
(docs/file-transfer.md): pyftpdlib, one process per node (`manage.py ftpserver`, which
`manage.py serve` starts), a thread per connection.

Every login is checked against the database (`ftp_grants`) and sees one folder of its own: a
firmware job's is its image's folder, where only that image can be read (no listing); an upload
request's is a fresh empty folder that takes one file, which then goes to the request exactly as
the HTTP upload view's would (`upload_receive`: same store, same one-time and size rules)."""

import errno
import logging
import shutil
import tempfile
from pathlib import Path

from django.conf import settings
from django.db import close_old_connections, connection
from pyftpdlib.authorizers import AuthenticationFailed
from pyftpdlib.filesystems import AbstractedFS
from pyftpdlib.handlers import FTPHandler
from pyftpdlib.servers import ThreadedFTPServer

from stations.firmware.services import ftp_grants
from stations.firmware.services.firmware import firmware_job_downloaded
from stations.firmware.services.uploads import UploadGone, UploadNotFound, UploadTooLarge, upload_receive

log = logging.getLogger(__name__)
INCOMING = "ftp-incoming"  # under MEDIA_ROOT: uploads in transfer, removed at the end


class JobAuthorizer:
    """pyftpdlib's authorizer interface. The handler's class-wide one only checks logins; a
    successful login gives the handler one of its own that answers for that login's grant."""

    def __init__(self, grant: ftp_grants.Grant | None = None, home: Path | None = None):
        self.grant, self.home = grant, home

    def validate_authentication(self, username: str, password: str, handler: FTPHandler) -> None:
        close_old_connections()
        try:
            grant = ftp_grants.ftp_grant(username=username, password=password)
        except ftp_grants.CredentialRefused as refused:
            raise AuthenticationFailed(str(refused)) from None
        handler.authorizer = JobAuthorizer(grant, _home_of(grant))

    def get_home_dir(self, username: str) -> str:
        return str(self.home)

    def has_user(self, username: str) -> bool:
        return self.grant is not None

    def has_perm(self, username: str, perm: str, path: str | None = None) -> bool:
        """Change into the home folder; read (and size) the image; store files in the folder."""
        if self.grant is None or path is None:
            return False
        target = Path(path)
        if perm == "e":
            return target == self.home
        if self.grant.reads:
            return perm in ("r", "l") and target == self.home / self.grant.filename
        return perm == "w" and target.parent == self.home

    def get_perms(self, username: str) -> str:
        return "erl" if self.grant and self.grant.reads else "ew"

    def get_msg_login(self, username: str) -> str:
        return "Logged in."

    def get_msg_quit(self, username: str) -> str:
        return "Goodbye."

    def impersonate_user(self, username: str, password: str) -> None:
        pass

    def terminate_impersonation(self, username: str) -> None:
        pass


def _home_of(grant: ftp_grants.Grant) -> Path:
    if grant.reads:
        return grant.folder.resolve()
    incoming = Path(settings.MEDIA_ROOT) / INCOMING
    incoming.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=f"{grant.kind}-{grant.job_id}-", dir=incoming)).resolve()


class CappedFile:
    """A file being received that refuses to grow past OCPP_UPLOAD_MAX_BYTES (pyftpdlib then
    aborts the transfer with a 426 and the partial file is removed)."""

    def __init__(self, raw, limit: int):
        self.raw, self.limit, self.size = raw, limit, 0

    def write(self, chunk: bytes) -> int:
        self.size += len(chunk)
        if self.size > self.limit:
            raise OSError(errno.EFBIG, f"The file is larger than {self.limit} bytes")
        return self.raw.write(chunk)

    def __getattr__(self, name: str):  # name, closed, close, seek: the file's own
        return getattr(self.raw, name)


class JobFS(AbstractedFS):
    def open(self, filename: str, mode: str):
        opened = super().open(filename, mode)
        return opened if mode == "rb" else CappedFile(opened, settings.OCPP_UPLOAD_MAX_BYTES)


class StationFTPHandler(FTPHandler):
    authorizer = JobAuthorizer()
    abstracted_fs = JobFS
    banner = "CPMS file transfer ready."
    auth_failed_timeout = 1  # tokens are 256 bits: the delay only slows down honest retries
    max_login_attempts = 2

    def ftp_STOR(self, file: str, mode: str = "w"):
        """Refused at once when the request took its file meanwhile (e.g. on another connection)."""
        try:
            ftp_grants.upload_grant_check(self.authorizer.grant)
        except ftp_grants.CredentialRefused as refused:
            self.respond(f"550 {refused}.")
            return None
        return super().ftp_STOR(file, mode)

    def on_file_received(self, file: str) -> None:
        grant = self.authorizer.grant
        try:
            with open(file, "rb") as content:
                upload_receive(token=grant.token, content=content, filename=Path(file).name)
        except (UploadGone, UploadNotFound, UploadTooLarge) as refused:
            log.warning("FTP upload for %s-%s dropped: %r", grant.kind, grant.job_id, refused)
        finally:
            Path(file).unlink(missing_ok=True)

    def on_incomplete_file_received(self, file: str) -> None:
        Path(file).unlink(missing_ok=True)

    def on_file_sent(self, file: str) -> None:
        firmware_job_downloaded(job_id=self.authorizer.grant.job_id)

    def on_disconnect(self) -> None:
        grant, home = self.authorizer.grant, self.authorizer.home
        if grant is not None and not grant.reads:
            shutil.rmtree(home, ignore_errors=True)
        connection.close()  # this connection's thread ends


def ftp_server(*, host: str, port: int) -> ThreadedFTPServer:
    low, high = settings.FTP_PASSIVE_PORTS
    handler = type("ConfiguredFTPHandler", (StationFTPHandler,), {
        "passive_ports": range(low, high + 1),
        "masquerade_address": settings.FTP_MASQUERADE_ADDRESS or None,
    })
    server = ThreadedFTPServer((host, port), handler)
    server.max_cons, server.max_cons_per_ip = 512, 32
    return server
