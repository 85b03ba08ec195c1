"""nginx from Debian's packages running the site of deploy/ in front of test servers, with a
self-signed certificate the test makes: the TLS (wss://) paths of the deployment, for real."""

import shutil
import ssl
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from tests.server import ROOT, free_port

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
needs_nginx = pytest.mark.skipif(not Path(NGINX).exists(),
                                 reason="needs nginx (Debian's package; .ci/run installs it)")


def certificate(folder: Path) -> tuple[Path, Path]:
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-keyout", str(key), "-out", str(cert), "-subj", "/CN=localhost",
                    "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"],
                   check=True, capture_output=True)
    return cert, key


def site(port: int, backends: list[int], cert: Path, key: Path) -> str:
    """deploy/nginx.conf with this test's port, certificate and server processes."""
    site = (ROOT / "deploy" / "nginx.conf").read_text()
    replacements = {
        "listen 443 ssl;": f"listen 127.0.0.1:{port} ssl;",
        "/etc/ssl/cpms/fullchain.pem": str(cert),
        "/etc/ssl/cpms/privkey.pem": str(key),
        "    server 127.0.0.1:8001;\n    server 127.0.0.1:8002;\n":
            "".join(f"    server 127.0.0.1:{b};\n" for b in backends),
    }
    for old, new in replacements.items():
        assert old in site, f"deploy/nginx.conf no longer has {old!r}"
        site = site.replace(old, new)
    return site


@contextmanager
def running_nginx(folder: Path, backends: list[int]) -> Iterator[tuple[int, Path]]:
    """deploy/nginx.conf served from `folder` in front of `backends`: (port, certificate)."""
    cert, key = certificate(folder)
    port = free_port()
    (folder / "site.conf").write_text(site(port, backends, cert, key))
    temp = folder / "temp"
    temp.mkdir()
    (folder / "nginx.conf").write_text(f"""
daemon off;
worker_processes 1;
pid {folder}/nginx.pid;
error_log {folder}/error.log;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {temp}/body;
    proxy_temp_path {temp}/proxy;
    fastcgi_temp_path {temp}/fastcgi;
    uwsgi_temp_path {temp}/uwsgi;
    scgi_temp_path {temp}/scgi;
    include {folder}/site.conf;
}}
""")
    process = subprocess.Popen([NGINX, "-c", str(folder / "nginx.conf"), "-p", str(folder)],
                               stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                httpx.get(f"https://127.0.0.1:{port}/api/schema/",
                          verify=ssl.create_default_context(cafile=str(cert)), timeout=1)
                break
            except httpx.TransportError:
                if process.poll() is not None:
                    raise RuntimeError(process.stderr.read().decode()) from None
                time.sleep(0.1)
        yield port, cert
    finally:
        process.terminate()
        process.wait(10)
