"""GetDiagnostics and GetLog requests with bad input are a 400 (the station uploading its file end
to end: tests/test_firmware_uploads.py)."""


import pytest

from stations.simulator import SimulatedChargePoint
from tests.factories import make_station, make_tenant
from tests.fast.clients import api_client

pytestmark = pytest.mark.django_db

DIAGNOSTICS = b"2026-11-25T06:00:00Z boot ok\n2026-11-25T06:01:00Z meter ok\n" * 100
SECURITY_LOG = b"2026-11-25T06:00:00Z FirmwareUpdated\n"


class LoglessStation(SimulatedChargePoint):
    log_answer = "Rejected"


def test_bad_diagnostics_and_log_requests_are_a_400():
    tenant = make_tenant()
    station, _ = make_station(tenant)
    base = f"/api/v1/stations/{station.identity}"
    with api_client(tenant) as api:
        backwards = api.post(f"{base}/diagnostics/", json={"start_time": "2026-11-25T00:00:00Z",
                                                           "stop_time": "2026-11-24T00:00:00Z"})
        bad_time = api.post(f"{base}/diagnostics/", json={"start_time": "yesterday", "retries": -2})
        bad_type = api.post(f"{base}/logs/", json={"log_type": "EverythingLog"})
        no_type = api.post(f"{base}/logs/", json={})
        offline = api.post(f"{base}/logs/", json={"log_type": "SecurityLog"})
    assert backwards.status_code == 400 and "stop_time" in backwards.json()
    assert bad_time.status_code == 400 and {"start_time", "retries"} <= set(bad_time.json())
    assert bad_type.status_code == 400 and "log_type" in bad_type.json()
    assert no_type.status_code == 400 and "log_type" in no_type.json()
    assert offline.status_code == 409 and "id" in offline.json()
