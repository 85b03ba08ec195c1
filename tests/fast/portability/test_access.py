"""Who may export: the archive is a manager's (dashboard and API); meter values are station
data every role reads; another tenant's rows never appear in an export."""

import csv
import io
import json
import zipfile
from decimal import Decimal

import pytest

from portability.export import export_archive
from portability.meter_values import COLUMNS
from stations.models import Station
from tenants.models import Role
from tests.fast.clients import signed_in
from tests.fast.portability.every_kind import every_kind
from tests.test_admin import make_user

pytestmark = pytest.mark.django_db


def rows(archive: zipfile.ZipFile, name: str) -> list[dict]:
    return [json.loads(line) for line in archive.read(name).decode().splitlines()]


def test_only_a_manager_gets_the_archive_in_the_dashboard(tenant, owner, member):
    accountant = make_user(tenant=tenant, role=Role.ACCOUNTANT)

    page = signed_in(owner).get("/export/")
    download = signed_in(owner).get("/export/archive.zip")

    assert page.status_code == 200 and b"Download the archive" in page.content
    assert download.status_code == 200 and download["Content-Type"] == "application/zip"
    assert zipfile.ZipFile(io.BytesIO(download.content)).read("manifest.json")
    for user in (member, accountant):
        assert signed_in(user).get("/export/").status_code == 403
        assert signed_in(user).get("/export/archive.zip").status_code == 403


def test_only_a_managers_token_gets_the_archive(tenant, api_for):
    for role, status in ((Role.MANAGER, 200), (Role.ACCOUNTANT, 403), (Role.INSTALLER, 403)):
        response = api_for(tenant, role).get("/api/v1/tenant/export/")
        assert response.status_code == status, role
    assert api_for(tenant, Role.MANAGER).get("/api/v1/tenant/export/").content.startswith(b"PK")


def test_another_tenants_rows_are_never_in_an_export():
    a, b = every_kind("Alpha"), every_kind("Bravo")

    archive = zipfile.ZipFile(io.BytesIO(b"".join(export_archive(tenant=b["tenant"]))))

    text = b"".join(archive.read(name) for name in archive.namelist() if name.endswith(".jsonl"))
    assert b"Alpha-16" not in text and b"Bravo-16" in text
    stations = rows(archive, "stations.jsonl")
    assert {row["identity"] for row in stations} == {"Bravo-16", "Bravo-201"}
    assert len(rows(archive, "meter_values.jsonl")) == 8
    assert len(rows(archive, "invoices.jsonl")) == 2
    assert json.loads(archive.read("manifest.json"))["tenant"]["slug"] == b["tenant"].slug
    assert a["tenant"].slug.encode() not in archive.read("manifest.json")


def test_meter_values_csv_is_filtered_and_of_the_callers_tenant(tenant, owner, api_for):
    made = every_kind("Meter")
    other = every_kind("Other")
    client = signed_in(make_user(tenant=made["tenant"], role=Role.INSTALLER))
    v16 = made["stations"][0]

    response = client.get("/export/meter-values.csv", {"station": v16.identity, "since": "2026-03-02"})
    api = api_for(made["tenant"], Role.ACCOUNTANT).get(
        "/api/v1/exports/meter-values.csv", params={"until": "2026-03-02T08:00:03Z"})

    table = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert response.status_code == 200 and len(table) == 6
    second = table[1]
    assert (second["station"], second["connector_id"], second["transaction_id"], second["timestamp"],
            second["measurand"], second["unit"], Decimal(second["value"])) == (
        v16.identity, "1", "1", "2026-03-02T08:00:01Z", "Energy.Active.Import.Register", "Wh", Decimal(10))
    assert list(second) == COLUMNS
    sent = list(csv.DictReader(io.StringIO(api.content.decode("utf-8-sig"))))
    assert api.status_code == 200 and len(sent) == 3 + 2  # 3 of the 1.6 station, 2 of the 2.0.1 one
    assert {row["station"] for row in sent} <= set(Station.objects.filter(tenant=made["tenant"])
                                                   .values_list("identity", flat=True))
    assert other["stations"][0].identity not in api.content.decode()


def test_meter_values_csv_refuses_bad_filters_with_reasons(tenant, owner, owner_api, other_tenant):
    Station.objects.create(tenant=other_tenant, identity="THEIRS")

    api = owner_api.get("/api/v1/exports/meter-values.csv",
                        params={"since": "yesterday", "station": "THEIRS"})
    page = signed_in(owner).get("/export/meter-values.csv", {"since": "2026-03-05", "until": "2026-03-01"})

    assert api.status_code == 400 and set(api.json()) == {"since", "station"}
    assert page.status_code == 400 and b"Must not be before since." in page.content
