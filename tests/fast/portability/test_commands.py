"""`manage.py export_tenant` and `import_tenant`: a file on disk, into a new tenant; refusals are
clear command errors."""

import json
import zipfile

import pytest
from django.core.management import CommandError, call_command

from stations.models import Station
from tenants.models import Tenant
from tests.fast.portability.every_kind import every_kind

pytestmark = pytest.mark.django_db


def test_export_then_import_through_the_commands(tmp_path, capsys):
    made = every_kind("Cmd")
    path = tmp_path / "tenant.zip"

    call_command("export_tenant", made["tenant"].slug, str(path))
    call_command("import_tenant", str(path), "--slug", "cmd-moved", "--name", "Moved GmbH")

    out = capsys.readouterr().out
    moved = Tenant.objects.get(slug="cmd-moved")
    assert moved.name == "Moved GmbH"
    assert "Imported into tenant cmd-moved" in out and "stations: 2" in out and "meter_values: 8" in out
    assert "webhook endpoint(s) got a new secret" in out
    identities = set(Station.objects.filter(tenant=moved).values_list("identity", flat=True))
    assert identities == {"Cmd-16", "Cmd-201"}
    manifest = json.loads(zipfile.ZipFile(path).read("manifest.json"))
    assert manifest["format_version"] == 1 and manifest["files"]["stations.jsonl"]["rows"] == 2


def test_the_commands_refuse_clearly(tmp_path):
    made = every_kind("Refuse")
    path = tmp_path / "tenant.zip"
    call_command("export_tenant", made["tenant"].slug, str(path))

    with pytest.raises(CommandError, match="No tenant 'nobody'"):
        call_command("export_tenant", "nobody", str(tmp_path / "x.zip"))
    with pytest.raises(CommandError, match="already holds data"):
        call_command("import_tenant", str(path), "--slug", made["tenant"].slug)
    with pytest.raises(CommandError, match="No file"):
        call_command("import_tenant", str(tmp_path / "missing.zip"), "--slug", "new")
    with pytest.raises(CommandError, match="cannot be made"):
        call_command("import_tenant", str(path), "--slug", "not a slug!")
