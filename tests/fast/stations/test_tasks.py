"""The station tasks: the frame log keeps OCPP_MESSAGE_RETENTION_DAYS of frames."""

from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone

from stations.models import OcppMessage
from stations.tasks import purge_ocpp_messages
from tests.factories import make_station, make_tenant

pytestmark = pytest.mark.django_db


def test_frames_older_than_the_retention_are_purged_and_newer_ones_kept():
    tenant = make_tenant()
    station, _ = make_station(tenant)
    now = timezone.now()
    for age_days in (40, 31, 29, 1):
        OcppMessage.objects.create(tenant=tenant, station=station, direction="in",
                                   message_type=2, action="Heartbeat", unique_id=str(age_days),
                                   payload={}, created_at=now - timedelta(days=age_days))
    with override_settings(OCPP_MESSAGE_RETENTION_DAYS=30):
        purge_ocpp_messages.apply()
    kept = sorted(OcppMessage.objects.filter(station=station).values_list("unique_id", flat=True))
    assert kept == ["1", "29"]
