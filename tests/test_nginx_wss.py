"""The plain-host deployment for real: the nginx site of deploy/ with a self-signed certificate
in front of two server processes. A station connects over wss:// with Basic auth (OCPP Security
profile 2), charges, and commands reach it whichever process serves the API call."""

import asyncio
import shutil
import ssl
import subprocess
import time
from pathlib import Path

import httpx
import pytest
from websockets.exceptions import InvalidStatus

from stations.simulator import SimulatedChargePoint, connect
from tests.conftest import needs_redis
from tests.factories import api_client, eventually, make_id_tag, make_station, make_tenant
from tests.server import ROOT, free_port

pytestmark = [
    needs_redis,
    pytest.mark.skipif(shutil.which("nginx") is None and not Path("/usr/sbin/nginx").exists(),
                       reason="needs nginx (Debian's package; .ci/run installs it)"),
]


def _certificate(folder: Path) -> tuple[Path, Path]:
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-keyout", str(key), "-out", str(cert), "-subj", "/CN=localhost",
                    "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"],
                   check=True, capture_output=True)
    return cert, key


def _site(port: int, backends: list[int], cert: Path, key: Path) -> str:
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


@pytest.fixture
def nginx(server, second_server, tmp_path):
    cert, key = _certificate(tmp_path)
    port = free_port()
    (tmp_path / "site.conf").write_text(_site(port, [server.port, second_server.port], cert, key))
    temp = tmp_path / "temp"
    temp.mkdir()
    (tmp_path / "nginx.conf").write_text(f"""
daemon off;
worker_processes 1;
pid {tmp_path}/nginx.pid;
error_log {tmp_path}/error.log;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {temp}/body;
    proxy_temp_path {temp}/proxy;
    fastcgi_temp_path {temp}/fastcgi;
    uwsgi_temp_path {temp}/uwsgi;
    scgi_temp_path {temp}/scgi;
    include {tmp_path}/site.conf;
}}
""")
    process = subprocess.Popen([shutil.which("nginx") or "/usr/sbin/nginx", "-c",
                                str(tmp_path / "nginx.conf"), "-p", str(tmp_path)],
                               stderr=subprocess.PIPE)
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
    process.terminate()
    process.wait(10)


async def test_a_station_charges_over_wss_behind_nginx_and_commands_reach_it(nginx, server):
    port, cert = nginx
    tls = ssl.create_default_context(cafile=str(cert))
    tenant = make_tenant()
    station, password = make_station(tenant)
    make_id_tag(tenant, "WSS-TAG")
    connection = await connect(f"wss://127.0.0.1:{port}/ocpp/{tenant.slug}", station.identity,
                               password, ssl=tls)
    assert connection.subprotocol == "ocpp1.6"
    cp = SimulatedChargePoint(station.identity, connection)
    runner = asyncio.create_task(cp.start())
    try:
        await cp.boot()
        start = await cp.start_transaction(1, "WSS-TAG")
        await cp.meter_values(1, 2500)
        await cp.stop_transaction(1)
        async with api_client(server, tenant) as direct:
            key = direct.headers["Authorization"]
        async with httpx.AsyncClient(base_url=f"https://127.0.0.1:{port}", verify=tls,
                                     headers={"Authorization": key}, timeout=20) as api:
            # nginx sends these round-robin to both processes; every one reaches the station.
            for _ in range(4):
                response = await api.post(f"/api/v1/stations/{station.identity}/commands/",
                                          json={"action": "Reset", "payload": {"type": "Soft"}})
                assert response.status_code == 200, response.text
                assert response.json()["response"] == {"status": "Accepted"}

            async def stopped_session():
                body = (await api.get("/api/v1/sessions/",
                                      params={"station": station.identity})).json()
                return body["results"][0] if body["results"] else None

            session = await eventually(stopped_session)
    finally:
        runner.cancel()
        await connection.close()
    assert session["transaction_id"] == start.transaction_id
    assert session["energy_wh"] == 2500
    assert [name for name, _ in cp.received].count("Reset") == 4


async def test_a_wrong_password_is_refused_over_wss_too(nginx):
    port, cert = nginx
    tenant = make_tenant()
    station, _ = make_station(tenant)
    with pytest.raises(InvalidStatus):
        await connect(f"wss://127.0.0.1:{port}/ocpp/{tenant.slug}", station.identity,
                      "not-the-password-0123456789",
                      ssl=ssl.create_default_context(cafile=str(cert)))
