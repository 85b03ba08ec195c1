"""Firmware files, jobs and upload requests in the Django admin: each staff member sees only
the tenants they belong to.
(In process, without a station: tests/fast/stations/firmware/test_firmware_admin.py.)"""


from stations.firmware.models import FirmwareFile
from stations.firmware.services.firmware import firmware_job_create
from stations.firmware.services.uploads import upload_request_create
from tests.factories import make_station, make_tenant
from tests.fast.stations.firmware.test_firmware_admin import firmware_of
from tests.test_admin import admin_session, make_user


async def test_staff_see_the_firmware_files_jobs_and_uploads_of_their_tenant_only(server):
    mine, theirs = make_tenant(), make_tenant()
    station, _ = make_station(mine, identity="ADMIN-FW-MINE")
    their_station, _ = make_station(theirs, identity="ADMIN-FW-THEIRS")
    firmware_job_create(station=station, firmware=firmware_of(mine, "mine-image"))
    firmware_job_create(station=their_station, firmware=firmware_of(theirs, "their-image"))
    upload_request_create(station=station, kind="log", log_type="SecurityLog")
    upload_request_create(station=their_station, kind="log", log_type="SecurityLog")
    user = make_user(tenant=mine, permissions=("view_firmwarefile", "view_firmwarejob",
                                               "view_uploadrequest"))
    async with admin_session(server, user) as http:
        files = (await http.get("/admin/firmware/firmwarefile/")).text
        jobs = (await http.get("/admin/firmware/firmwarejob/")).text
        uploads = (await http.get("/admin/firmware/uploadrequest/")).text
    assert "mine-image" in files and "their-image" not in files
    assert "ADMIN-FW-MINE" in jobs and "ADMIN-FW-THEIRS" not in jobs
    assert "ADMIN-FW-MINE" in uploads and "ADMIN-FW-THEIRS" not in uploads


async def test_an_image_added_in_the_admin_gets_its_size_and_hash(server):
    import hashlib

    from tests.test_admin import _hidden_fields

    tenant = make_tenant()
    image = b"admin image " * 100
    async with admin_session(server, make_user(superuser=True)) as http:
        form = await http.get("/admin/firmware/firmwarefile/add/")
        response = await http.post("/admin/firmware/firmwarefile/add/", data=_hidden_fields(form.text) | {
            "tenant": str(tenant.pk), "name": "added-in-admin", "version": "3.1",
            "signing_certificate": "", "signature": "", "_save": "Save"},
            files={"file": ("admin.bin", image, "application/octet-stream")})
    assert response.url.path == "/admin/firmware/firmwarefile/", response.text[:2000]
    added = FirmwareFile.objects.get(tenant=tenant, name="added-in-admin")
    assert (added.size, added.sha256) == (len(image), hashlib.sha256(image).hexdigest())
