"""The audit log's API: managers read their tenant's entries, newest first, filtered; other
roles are refused; another tenant sees nothing (audit/api.py, docs/audit.md)."""

import uuid
from datetime import UTC, datetime

import pytest

from audit.models import AuditEntry

pytestmark = pytest.mark.django_db

URL = "/api/v1/audit/"


def entry(tenant, **fields) -> AuditEntry:
    values = {"at": datetime(2026, 3, 1, 12, tzinfo=UTC), "via": "api", "actor_type": "token",
              "actor": "ops token", "method": "PATCH", "path": "/api/v1/tariffs/7/",
              "action": "update", "object_type": "billing.tariff", "object_id": "7",
              "object_repr": "Day rate", "changes": {"name": ["Old", "Day rate"]}, "result": "200"}
    return AuditEntry.objects.create(tenant=tenant, **{**values, **fields})


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


def test_a_manager_reads_the_log_newest_first(tenant, owner_api):
    older = entry(tenant, at=datetime(2026, 3, 1, tzinfo=UTC))
    newer = entry(tenant, at=datetime(2026, 3, 2, tzinfo=UTC))

    response = owner_api.get(URL)

    assert ids(response) == [newer.pk, older.pk]
    row = response.json()["results"][1]
    assert row["changes"] == {"name": ["Old", "Day rate"]}
    assert row["at"].startswith("2026-03-01T00:00:00")
    assert "tenant" not in row


def test_one_entry_is_read_by_its_id(tenant, owner_api):
    one = entry(tenant)

    response = owner_api.get(f"{URL}{one.pk}/")

    assert response.status_code == 200
    assert response.json()["object_repr"] == "Day rate"


@pytest.mark.parametrize(("params", "expected"), [
    ({"since": "2026-03-02"}, ["march2", "march3"]),
    ({"until": "2026-03-02T00:00:00Z"}, ["march1"]),
    ({"actor": "ALICE"}, ["march2"]),
    ({"actor_type": "user"}, ["march2"]),
    ({"via": "dashboard"}, ["march2"]),
    ({"action": "command"}, ["march3"]),
    ({"object_type": "billing.tariff", "object_id": "7"}, ["march1"]),
    ({"station": "CP-1"}, ["march3"]),
    ({"q": "reset"}, ["march3"]),
    ({"q": "customers"}, ["march2"]),
])
def test_the_filters_find_what_they_say(tenant, owner_api, params, expected):
    made = {
        "march1": entry(tenant, at=datetime(2026, 3, 1, 10, tzinfo=UTC)),
        "march2": entry(tenant, at=datetime(2026, 3, 2, 10, tzinfo=UTC), via="dashboard",
                        actor_type="user", actor="alice@example.com", object_type="billing.customer",
                        object_id="3", object_repr="ACME", path="/customers/3/"),
        "march3": entry(tenant, at=datetime(2026, 3, 3, 10, tzinfo=UTC), action="command",
                        object_type="stations.station", object_id="1", object_repr="Reset",
                        station_id=1, station_identity="CP-1", path="/api/v1/stations/CP-1/commands/",
                        changes={"request": {"type": "Soft"}}, result="Accepted"),
    }
    names = {entry.pk: name for name, entry in made.items()}

    found = [names[pk] for pk in ids(owner_api.get(URL, params=params))]

    assert sorted(found) == expected


def test_the_entries_of_one_request_are_found_by_its_id(tenant, owner_api):
    request_id = uuid.uuid4()
    first, second = entry(tenant, request_id=request_id), entry(tenant, request_id=request_id)
    entry(tenant)

    assert sorted(ids(owner_api.get(URL, params={"request_id": str(request_id)}))) == [first.pk, second.pk]


def test_a_date_without_offset_is_the_tenants_day(tenant, owner_api):
    tenant.timezone = "Europe/Berlin"
    tenant.save(update_fields=["timezone"])
    late = entry(tenant, at=datetime(2026, 3, 1, 23, 30, tzinfo=UTC))  # 00:30 on the 2nd in Berlin

    assert ids(owner_api.get(URL, params={"since": "2026-03-02"})) == [late.pk]
    assert ids(owner_api.get(URL, params={"until": "2026-03-02"})) == []


@pytest.mark.parametrize(("params", "field"), [
    ({"since": "yesterday"}, "since"),
    ({"until": "2026-02-30"}, "until"),
    ({"since": "2026-03-01T00:00:00+99:00"}, "since"),
    ({"via": "telepathy"}, "via"),
    ({"action": "nothing"}, "action"),
    ({"request_id": "not-a-uuid"}, "request_id"),
])
def test_a_bad_filter_is_a_400_with_its_reason(owner_api, params, field):
    for url in (URL, f"{URL}export.csv", f"{URL}export.json"):
        response = owner_api.get(url, params=params)

        assert response.status_code == 400, (url, response.content)
        assert field in response.json()


@pytest.mark.parametrize("url", [URL, f"{URL}export.csv", f"{URL}export.json"])
def test_installers_and_accountants_are_refused(tenant, api_for, url):
    entry(tenant)
    for role in ("installer", "accountant"):
        assert api_for(tenant, role).get(url).status_code == 403


def test_another_tenant_sees_nothing_of_a(tenant, outsider_api):
    mine = entry(tenant)

    assert ids(outsider_api.get(URL)) == []
    assert outsider_api.get(f"{URL}{mine.pk}/").status_code == 404
    assert outsider_api.get(f"{URL}export.json").json() == []


def test_the_log_cannot_be_written_through_the_api(tenant, owner_api):
    one = entry(tenant)

    assert owner_api.post(URL, json={"actor": "me"}).status_code == 405
    assert owner_api.patch(f"{URL}{one.pk}/", json={"actor": "me"}).status_code == 405
    assert owner_api.delete(f"{URL}{one.pk}/").status_code == 405
    assert AuditEntry.objects.filter(tenant=tenant).count() == 1
