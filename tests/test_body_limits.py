"""A body larger than its address takes is refused as it arrives, before the server stores any of
it (issue 16, finding 5): daphne would otherwise spool all of it to a temporary file first."""

import os
import select
import socket
import time
from pathlib import Path

import pytest

from tests.server import server_env, start_server

MB = 1024 * 1024


@pytest.fixture(scope="module")
def watched_server(database, tmp_path_factory):
    """A server whose temporary files are in a folder of the test's own."""
    tmp = tmp_path_factory.mktemp("server-tmp")
    srv = start_server(server_env() | {"TMPDIR": str(tmp)}, tmp)
    yield srv
    srv.stop()


def _spooled_bytes(pid: int, folder: str) -> int:
    """Bytes in the server's open files under its temporary folder (Twisted's are unlinked)."""
    total = 0
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            if os.readlink(fd).startswith(folder):
                total += fd.stat().st_size
        except OSError:
            pass
    return total


def _send_until_answered(srv, head: bytes, body_bytes: int,
                         chunked: bool = False) -> tuple[bytes, int, float]:
    """Send the head and up to body_bytes of body in 1 MB pieces until an answer comes; return
    the answer's first bytes, the most the server spooled meanwhile, and the seconds taken."""
    tmp_folder = srv.log_path.parent.as_posix()  # the server's TMPDIR holds its log too
    started, most = time.monotonic(), 0
    sock = socket.create_connection(("127.0.0.1", srv.port), timeout=10)
    sock.sendall(head)
    piece = b"x" * MB
    sent = 0
    try:
        while sent < body_bytes:
            if select.select([sock], [], [], 0)[0]:
                break
            try:
                sock.sendall(b"%x\r\n%s\r\n" % (len(piece), piece) if chunked else piece)
            except OSError:
                break
            sent += MB
            most = max(most, _spooled_bytes(srv.process.pid, tmp_folder))
        select.select([sock], [], [], 10)
        answer = sock.recv(200)
    finally:
        sock.close()
    return answer, most, time.monotonic() - started


def _head(path: str, length: int | None) -> bytes:
    framing = b"Transfer-Encoding: chunked" if length is None else b"Content-Length: %d" % length
    return (b"POST %s HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded"
            b"\r\n%s\r\n\r\n" % (path.encode(), framing))


@pytest.mark.parametrize("path", ["/accounts/login/", "/api/v1/stations/"])
def test_a_50_mb_body_without_credentials_is_refused_before_it_is_stored(watched_server, path):
    answer, spooled, seconds = _send_until_answered(watched_server, _head(path, 50 * MB), 50 * MB)

    assert answer.startswith(b"HTTP/1.1 413"), answer
    assert spooled < MB
    assert seconds < 10


def test_a_chunked_body_is_counted_as_it_arrives(watched_server):
    answer, spooled, _ = _send_until_answered(watched_server, _head("/accounts/login/", None),
                                              50 * MB, chunked=True)

    assert answer.startswith(b"HTTP/1.1 413"), answer
    assert spooled < 12 * MB  # at most the limit was read, never the 50 MB


def test_a_body_within_the_limit_reaches_the_application(watched_server):
    answer, _, _ = _send_until_answered(watched_server, _head("/api/v1/stations/", MB), MB)

    assert answer.startswith(b"HTTP/1.1 401"), answer


def test_the_server_keeps_serving_after_a_refusal(watched_server):
    _send_until_answered(watched_server, _head("/accounts/login/", 50 * MB), 2 * MB)
    import httpx

    assert httpx.get(f"{watched_server.http}/accounts/login/").status_code == 200
