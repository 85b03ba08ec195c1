"""The request's audit context (audit/middleware.py, audit/context.py): from where and by
which way a write came, closed when the request ends, and the fallback entry for a write no
model change told of."""

import pytest
from django.test import RequestFactory

from audit.context import audit_context, current, via_of
from audit.middleware import sent_fields
from audit.models import AuditEntry
from tests.test_admin import PASSWORD, make_user

pytestmark = pytest.mark.django_db


def test_behind_a_trusted_proxy_the_address_is_the_one_the_proxy_appended(owner_api, settings):
    settings.OCPP_TRUST_PROXY_HEADERS = True
    owner_api.post("/api/v1/id-tags/", json={"id_tag": "PROXIED"},
                   headers={"X-Forwarded-For": "198.51.100.1, 203.0.113.7"})
    assert AuditEntry.objects.get().ip == "203.0.113.7"


def test_an_address_that_is_none_is_left_blank_and_the_write_goes_through(owner_api, settings):
    settings.OCPP_TRUST_PROXY_HEADERS = True
    response = owner_api.post("/api/v1/id-tags/", json={"id_tag": "ODDPROXY"},
                              headers={"X-Forwarded-For": "unknown"})

    assert response.status_code == 201
    assert AuditEntry.objects.get().ip is None


@pytest.mark.parametrize(("path", "via"), [
    ("/api/v1/stations/", "api"), ("/admin/stations/station/", "admin"), ("/stations/", "dashboard"),
])
def test_the_path_tells_the_way_in(path, via):
    assert via_of(path) == via


def test_the_context_ends_with_its_request(owner_api):
    owner_api.post("/api/v1/id-tags/", json={"id_tag": "ONE"})
    assert current() is None


def test_a_context_for_a_command_or_task_ends_with_its_block(owner):
    with audit_context(actor=owner) as context:
        assert current() is context and context.actor().name == owner.username
    assert current() is None


def test_an_anonymous_post_writes_nothing(client):
    user = make_user()
    client.post("/accounts/login/", {"username": user.username, "password": "wrong"})
    assert not AuditEntry.objects.exists()


def test_a_sign_in_is_recorded_as_a_request_of_the_user_and_never_with_the_password(client):
    user = make_user()
    answer = client.post("/accounts/login/", {"username": user.username, "password": PASSWORD})
    assert answer.status_code == 302
    [entry] = AuditEntry.objects.all()
    assert (entry.action, entry.actor, entry.path, entry.via) == (
        "request", user.username, "/accounts/login/", "dashboard")
    assert entry.changes == {"fields": ["password", "username"]}
    assert PASSWORD not in str(entry.changes)


def test_a_request_that_wrote_an_entry_gets_no_fallback_entry(tenant, owner_api):
    owner_api.post("/api/v1/id-tags/", json={"id_tag": "TWO"})
    assert list(AuditEntry.objects.values_list("action", flat=True)) == ["create"]


def test_the_fields_sent_are_named_never_valued():
    factory = RequestFactory()
    form = factory.post("/x/", {"name": "n", "password": "p", "csrfmiddlewaretoken": "t"})
    as_json = factory.post("/x/", {"secret": "s", "nested": {"a": 1}}, content_type="application/json")
    not_json = factory.post("/x/", "[1, 2]", content_type="application/json")
    assert sent_fields(form) == ["name", "password"]
    assert sent_fields(as_json) == ["nested", "secret"]
    assert sent_fields(not_json) == []

