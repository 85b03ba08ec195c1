"""Leave with your data: export → import into a new tenant → export gives the same files
(docs/portability.md), for a tenant holding every kind of object the archive carries."""

import io
import json
import zipfile

import pytest

from billing.models import Invoice, Tariff
from portability.export import export_archive
from portability.importer import ArchiveRefused, import_archive
from stations.models import MeterSample, Station
from tenants.models import Tenant
from tests.fast.portability.every_kind import every_kind

pytestmark = pytest.mark.django_db

VOLATILE_TENANT_KEYS = {"slug"}


def archive_of(tenant) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(b"".join(export_archive(tenant=tenant))))


def contents(archive: zipfile.ZipFile) -> dict[str, bytes]:
    return {name: archive.read(name) for name in archive.namelist()}


def settings_of(data: bytes) -> dict:
    return {key: value for key, value in json.loads(data).items() if key not in VOLATILE_TENANT_KEYS}


def test_the_round_trip_gives_the_same_files():
    made = every_kind()
    first = archive_of(made["tenant"])

    report = import_archive(source=io.BytesIO(b"".join(export_archive(tenant=made["tenant"]))), slug="moved")
    second = archive_of(report.tenant)

    before, after = contents(first), contents(second)
    assert sorted(before) == sorted(after)
    for name in before:
        if name == "manifest.json":
            continue
        if name == "tenant.json":
            assert settings_of(before[name]) == settings_of(after[name])
            continue
        assert before[name] == after[name], name
    manifest_before, manifest_after = json.loads(before["manifest.json"]), json.loads(after["manifest.json"])
    del manifest_before["files"]["tenant.json"], manifest_after["files"]["tenant.json"]
    assert manifest_before["files"] == manifest_after["files"]


def test_every_kind_of_object_is_in_the_archive():
    made = every_kind()
    archive = archive_of(made["tenant"])
    files = json.loads(archive.read("manifest.json"))["files"]

    empty = [name for name, figures in files.items() if figures.get("rows") == 0]
    assert set(empty) <= {"station_monitoring.jsonl", "station_events.jsonl", "transaction_events.jsonl",
                          "uploaded_certificate_authorities.jsonl", "contract_certificates.jsonl",
                          "security_events.jsonl", "firmware_files.jsonl", "display_messages.jsonl",
                          "invoice_sequences.jsonl"} | {n for n in empty if n == "invoice_sequences.jsonl"}
    pdfs = [name for name in archive.namelist() if name.startswith("files/invoices/")]
    assert pdfs and archive.read(pdfs[0]).startswith(b"%PDF")
    assert any(name.startswith("files/seller/") for name in archive.namelist())


def test_the_import_keeps_natural_keys_and_gives_new_ids():
    made = every_kind()
    report = import_archive(source=io.BytesIO(b"".join(export_archive(tenant=made["tenant"]))), slug="moved")
    moved = report.tenant

    station = Station.objects.get(tenant=moved, identity=made["stations"][0].identity)
    assert station.pk != made["stations"][0].pk
    assert station.password_hash == made["stations"][0].password_hash
    assert station.location.name == "Garage Nord"
    assert set(Invoice.objects.filter(tenant=moved).values_list("number", flat=True)) == {
        made["invoice"].number, made["credit"].number}
    credit = Invoice.objects.get(tenant=moved, number=made["credit"].number)
    assert credit.credits.number == made["invoice"].number
    assert credit.credits.pdf.read().startswith(b"%PDF")
    versions = Tariff.objects.filter(tenant=moved).order_by("version")
    assert [t.version for t in versions] == [1, 2] and len({t.family for t in versions}) == 1
    assert versions[0].family != made["tariff"].family
    assert MeterSample.objects.filter(station__tenant=moved).count() == 8
    assert report.new_webhook_secrets == 1


def test_a_tenant_that_holds_data_is_refused():
    made = every_kind()
    data = b"".join(export_archive(tenant=made["tenant"]))

    with pytest.raises(ArchiveRefused, match="already holds data"):
        import_archive(source=io.BytesIO(data), slug=made["tenant"].slug)


def test_a_newer_format_and_a_damaged_archive_are_refused():
    made = every_kind()
    original = zipfile.ZipFile(io.BytesIO(b"".join(export_archive(tenant=made["tenant"]))))

    def rewritten(change) -> io.BytesIO:
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as target:
            for name in original.namelist():
                target.writestr(name, change(name, original.read(name)))
        out.seek(0)
        return out

    def newer(name, data):
        if name != "manifest.json":
            return data
        return json.dumps(json.loads(data) | {"format_version": 99}).encode()

    def damaged(name, data):
        return data + b"\n" if name == "stations.jsonl" else data

    with pytest.raises(ArchiveRefused, match="format version 99"):
        import_archive(source=rewritten(newer), slug="newer")
    with pytest.raises(ArchiveRefused, match="stations.jsonl does not match"):
        import_archive(source=rewritten(damaged), slug="damaged")
    with pytest.raises(ArchiveRefused, match="Not a zip"):
        import_archive(source=io.BytesIO(b"hello"), slug="nozip")
    assert not Tenant.objects.filter(slug__in=["newer", "damaged", "nozip"]).exists()
