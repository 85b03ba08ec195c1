"""A ChangeConfiguration of the AuthorizationKey, in any case and with white space around the key,
is logged redacted (the security keys through the dashboard and the frame log:
tests/test_security_keys.py)."""

import json
from datetime import UTC, datetime

import pytest

from stations.ocpp.frames import Call, CallResult
from stations.services.message_log import message_row
from tests.factories import make_station, make_tenant

pytestmark = pytest.mark.django_db

SPELLINGS = ["AuthorizationKey ", "AuthorizationKey\t", " authorizationkey", "SecurityProfile ",
             "SECURITYPROFILE\t", "\tSecurityProfile"]
SECRET = "station-password-0123456789"
REPORTED = [{"key": "AuthorizationKey ", "readonly": False, "value": SECRET},
            {"key": "authorizationkey\t", "readonly": False, "value": SECRET},
            {"key": "SecurityProfile", "readonly": False, "value": "1"},
            {"key": "HeartbeatInterval", "readonly": False, "value": "60"}]


def test_a_change_configuration_of_a_spaced_authorization_key_is_logged_redacted():
    station, _ = make_station(make_tenant())
    at = datetime.now(UTC)
    for key in ("AuthorizationKey ", "AuthorizationKey\t", "\tAUTHORIZATIONKEY"):
        sent = message_row(station=station, direction="out", at=at,
                           frame=Call("c1", "ChangeConfiguration", {"key": key, "value": SECRET}))
        assert sent["payload"] == {"key": key, "value": "(redacted)"}
    answer = message_row(station=station, direction="in", at=at, action="GetConfiguration",
                         frame=CallResult("g1", {"configurationKey": REPORTED}))
    assert SECRET not in json.dumps(answer["payload"])
