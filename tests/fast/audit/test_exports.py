"""The audit log's exports (audit/exports.py): CSV and JSON parse back to the entries, with the
list's filters, streamed in chunks; the dashboard's export links give the same files."""

import csv
import io
import json
from datetime import UTC, datetime

import pytest
from django.http import StreamingHttpResponse
from django.test import Client

from audit.models import AuditEntry
from tests.fast.audit.test_api import entry

pytestmark = pytest.mark.django_db


def csv_rows(content: bytes) -> list[dict]:
    text = content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:])))


def test_the_csv_has_a_header_iso_times_and_changes_as_json(tenant, owner_api):
    one = entry(tenant, at=datetime(2026, 3, 1, 12, 30, tzinfo=UTC),
                changes={"price": ["0.30", "0.35"]})

    response = owner_api.get("/api/v1/audit/export.csv")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    [row] = csv_rows(response.content)
    assert row["id"] == str(one.pk)
    assert datetime.fromisoformat(row["at"]) == one.at
    assert json.loads(row["changes"]) == {"price": ["0.30", "0.35"]}
    assert row["object_type"] == "billing.tariff"
    assert row["request_id"] == str(one.request_id)


def test_the_json_is_an_array_of_the_entries(tenant, owner_api):
    one = entry(tenant, changes={"price": ["0.30", "0.35"]})

    [row] = owner_api.get("/api/v1/audit/export.json").json()

    assert row["id"] == one.pk
    assert row["changes"] == {"price": ["0.30", "0.35"]}
    assert datetime.fromisoformat(row["at"]) == one.at


def test_an_export_takes_the_lists_filters(tenant, owner_api):
    entry(tenant, object_type="billing.customer", object_id="3")
    tariff = entry(tenant, object_type="billing.tariff", object_id="7")
    params = {"object_type": "billing.tariff", "object_id": "7"}

    assert [r["id"] for r in owner_api.get("/api/v1/audit/export.json", params=params).json()] == [tariff.pk]
    assert [r["id"] for r in csv_rows(owner_api.get("/api/v1/audit/export.csv", params=params).content)] == [
        str(tariff.pk)]


def test_a_formula_in_a_name_is_defused_in_the_csv(tenant, owner_api):
    entry(tenant, object_repr="=HYPERLINK(\"http://evil\")", actor="+danger")

    [row] = csv_rows(owner_api.get("/api/v1/audit/export.csv").content)

    assert row["object_repr"].startswith("'=")
    assert row["actor"] == "'+danger"


def test_a_big_log_is_streamed_in_chunks(tenant, api_for):
    AuditEntry.objects.bulk_create([
        AuditEntry(tenant=tenant, at=datetime(2026, 3, 1, tzinfo=UTC), via="api", actor_type="token",
                   actor="t", action="update", object_type="billing.tariff", object_id=str(n),
                   object_repr="x" * 200, changes={"name": ["a" * 50, "b" * 50]})
        for n in range(600)])
    api = api_for(tenant, "manager")
    for fmt in ("csv", "json"):
        response = api.client.get(f"/api/v1/audit/export.{fmt}")

        assert isinstance(response, StreamingHttpResponse)
        chunks = list(response.streaming_content)
        assert len(chunks) > 2  # not one body built in memory
        body = b"".join(chunks)
        rows = json.loads(body) if fmt == "json" else csv_rows(body)
        assert len(rows) == 600


def test_the_dashboards_export_links_give_the_files(tenant, owner_web: Client):
    tariff = entry(tenant, object_type="billing.tariff", object_id="7")
    entry(tenant, object_type="billing.customer", object_id="3")
    query = "?object_type=billing.tariff&object_id=7"

    csv_response = owner_web.get(f"/audit/export.csv{query}")
    json_response = owner_web.get(f"/audit/export.json{query}")

    assert [r["id"] for r in csv_rows(csv_response.content)] == [str(tariff.pk)]
    assert [r["id"] for r in json.loads(json_response.content)] == [tariff.pk]


def test_the_dashboards_export_refuses_other_roles_and_bad_filters(tenant, owner_web, member_web):
    assert member_web.get("/audit/export.csv").status_code in (302, 403)
    assert owner_web.get("/audit/export.csv?since=yesterday").status_code == 400
