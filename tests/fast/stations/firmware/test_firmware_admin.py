"""A tenant deleted in the admin goes with its firmware and jobs (what each staff member sees in the
admin: tests/test_firmware_admin.py)."""

import pytest
from django.core.files.base import ContentFile

from stations.firmware.models import FirmwareFile
from stations.firmware.services.firmware import firmware_job_create
from tenants.models import Tenant
from tests.factories import make_station, make_tenant

pytestmark = pytest.mark.django_db


def firmware_of(tenant, name: str) -> FirmwareFile:
    return FirmwareFile.objects.create(tenant=tenant, name=name, version="9.9",
                                       file=ContentFile(b"image", name=f"{name}.bin"))


def test_a_tenant_is_deleted_with_its_firmware_and_jobs():
    tenant = make_tenant()
    station, _ = make_station(tenant)
    firmware_job_create(station=station, firmware=firmware_of(tenant, "gone"))
    Tenant.objects.filter(pk=tenant.pk).delete()
    assert not FirmwareFile.objects.filter(tenant_id=tenant.pk).exists()
