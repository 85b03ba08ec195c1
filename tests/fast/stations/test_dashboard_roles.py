"""Who may open each stations page and send each action (issue 8's role matrix, stations side),
in process: managers and installers everything, accountants look only (403 on anything that changes
a station, and on configuration and onboarding), a member of another tenant gets 404 for this
tenant's station and sees none of it in the lists (each role's navigation in a real browser:
tests/test_dashboard_roles.py)."""

import pytest
from django.test import Client

from stations.models import Station
from tenants.models import Role
from tests.factories import make_id_tag, make_station, make_tenant
from tests.fast.clients import post, signed_in
from tests.test_admin import make_user

pytestmark = pytest.mark.django_db

S = "/stations/ROLE-CP"
PAGES = ["/", "/stations/", "/stations/new/", f"{S}/", f"{S}/configuration/"]
ACTIONS = {
    "/stations/new/": {"identity": "ROLE-NEW", "max_current": "16"},
    f"{S}/remote-start/": {"id_tag": "ROLE-TAG"},
    f"{S}/remote-stop/": {"transaction_id": "1"},
    f"{S}/reset/": {"type": "Soft"},
    f"{S}/unlock/": {"connector_id": "1"},
    f"{S}/availability/": {"connector_id": "0", "type": "Inoperative"},
    f"{S}/trigger/": {"requested_message": "Heartbeat"},
    f"{S}/configuration/change/": {"key": "HeartbeatInterval", "value": "60"},
}
ALLOWED = {200, 400}  # 400: a form the view validated (e.g. no running transaction to stop)
EXPECTED_PAGES = {
    Role.MANAGER: dict.fromkeys(PAGES, 200),
    Role.INSTALLER: dict.fromkeys(PAGES, 200),
    Role.ACCOUNTANT: {"/": 200, "/stations/": 200, "/stations/new/": 403, f"{S}/": 200,
                      f"{S}/configuration/": 403},
    "outsider": {"/": 200, "/stations/": 200, "/stations/new/": 200, f"{S}/": 404,
                 f"{S}/configuration/": 404},
}


@pytest.fixture
def tenant():
    tenant = make_tenant("Roles")
    make_station(tenant, identity="ROLE-CP")
    make_id_tag(tenant, "ROLE-TAG")
    return tenant


def _member_of(tenant, role: str):
    """A dashboard user of `tenant` with `role` (not staff), as tests.browser.member."""
    user = make_user(tenant=tenant, role=role)
    user.is_staff = False
    user.save(update_fields=["is_staff"])
    return user


def _user(tenant, role: str):
    if role == "outsider":
        return _member_of(make_tenant("Outsider"), Role.MANAGER)
    return _member_of(tenant, role)


@pytest.mark.parametrize("role", [Role.MANAGER, Role.INSTALLER, Role.ACCOUNTANT, "outsider"])
def test_each_page_and_action_answers_each_role_as_the_matrix_says(tenant, role):
    http = signed_in(_user(tenant, role))
    pages = {path: http.get(path).status_code for path in PAGES}
    listed = http.get("/stations/").text
    actions = {path: post(http, path, data).status_code for path, data in ACTIONS.items()}
    assert pages == EXPECTED_PAGES[role]
    for path, status in actions.items():
        if role in (Role.MANAGER, Role.INSTALLER):
            assert status in ALLOWED, (path, status)
        elif role == Role.ACCOUNTANT:
            assert status == 403, (path, status)
        else:  # another tenant's station: 404; onboarding creates in the outsider's own tenant
            assert status == (200 if path == "/stations/new/" else 404), (path, status)
    assert ("ROLE-CP" in listed) == (role != "outsider")
    if role == "outsider":  # its onboarding made a station in its own tenant, not in this one
        assert Station.objects.filter(identity="ROLE-NEW", tenant__name__startswith="Outsider").exists()


def test_a_post_without_the_session_is_sent_to_log_in_not_served(tenant):
    http = Client(enforce_csrf_checks=True)
    page = http.get(f"{S}/")
    action = http.post(f"{S}/reset/", data={"type": "Soft"})
    assert page.status_code == 302 and page.headers["location"].startswith("/accounts/login/")
    assert action.status_code in (302, 403)  # CSRF or login: never served
