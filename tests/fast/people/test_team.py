"""Users and roles of a tenant and its settings (tenants/team/, docs/dashboard.md "People"):
managers only; the tenant keeps a manager; an invitation e-mails a link that sets a password,
signs in and lands in the tenant. In process (django.core.mail's outbox)."""

import html
import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client

from audit.models import AuditEntry
from tenants.models import Membership, Role
from tests.browser import member
from tests.fast.clients import signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    return django_capture_on_commit_callbacks


LINK = re.compile(r"http://testserver(/accounts/reset/[^/\s]+/[^/\s]+/)")


def entries(tenant, action: str) -> bool:
    return AuditEntry.objects.filter(tenant=tenant, object_type="tenants.membership", action=action).exists()


def membership_of(user, tenant) -> Membership:
    return Membership.objects.get(user=user, tenant=tenant)


@pytest.mark.parametrize("role", [Role.INSTALLER, Role.ACCOUNTANT])
def test_only_managers_see_or_change_the_team_and_settings(tenant, owner, role):
    http = signed_in(member(tenant, role))
    mine = membership_of(owner, tenant)
    for url in ("/team/", "/settings/"):
        assert http.get(url).status_code == 403, url
    for url in ("/team/invite/", f"/team/{mine.pk}/role/", f"/team/{mine.pk}/remove/",
                f"/team/{mine.pk}/resend/", "/settings/"):
        assert http.post(url, {"email": "x@example.com", "role": "manager", "name": "X"}).status_code == 403
    mine.refresh_from_db()
    assert mine.role == Role.MANAGER and not mail.outbox


def test_the_team_lists_members_with_role_and_last_login(tenant, owner, member, owner_web):
    page = owner_web.get("/team/")
    assert page.status_code == 200
    assert owner.username in page.text and member.username in page.text
    assert "never" in page.text  # the installer never signed in
    assert owner_web.get("/team/?q=nobody-such").text.count("No one matches") == 1


def test_another_tenants_members_are_neither_seen_nor_changed(tenant, owner_web, outsider, other_tenant):
    theirs = membership_of(outsider, other_tenant)
    assert outsider.username not in owner_web.get("/team/").text
    for action in ("role", "remove", "resend"):
        assert owner_web.post(f"/team/{theirs.pk}/{action}/", {"role": "installer"}).status_code == 404
    theirs.refresh_from_db()
    assert theirs.role == Role.MANAGER and not mail.outbox


def test_a_manager_changes_a_role_and_removes_a_member_audited(tenant, owner_web, member):
    theirs = membership_of(member, tenant)
    owner_web.post(f"/team/{theirs.pk}/role/", {"role": "accountant"})
    theirs.refresh_from_db()
    assert theirs.role == Role.ACCOUNTANT
    assert entries(tenant, "update")
    owner_web.post(f"/team/{theirs.pk}/remove/")
    assert not Membership.objects.filter(pk=theirs.pk).exists()
    assert entries(tenant, "delete")


def test_the_last_manager_stays_and_no_manager_demotes_themselves(tenant, owner, owner_web):
    mine = membership_of(owner, tenant)
    refused = owner_web.post(f"/team/{mine.pk}/role/", {"role": "installer"}, follow=True)
    assert "cannot take away your own manager rights" in html.unescape(refused.text)
    refused = owner_web.post(f"/team/{mine.pk}/remove/", follow=True)
    assert "cannot remove yourself" in html.unescape(refused.text)
    other = member(tenant, Role.MANAGER)
    theirs = membership_of(other, tenant)
    owner_web.post(f"/team/{theirs.pk}/role/", {"role": "installer"})  # another manager: fine
    theirs.refresh_from_db()
    assert theirs.role == Role.INSTALLER
    mine.refresh_from_db()
    assert mine.role == Role.MANAGER


def test_inviting_a_new_address_mails_a_link_that_sets_a_password_and_signs_in(tenant, owner_web, committed):
    with committed(execute=True):  # mailed after the commit
        answer = owner_web.post("/team/invite/", {"email": "New.Person@example.com", "role": "accountant"})
    assert answer.status_code == 302
    user = get_user_model().objects.get(email="New.Person@example.com")
    assert not user.has_usable_password()
    assert membership_of(user, tenant).role == Role.ACCOUNTANT
    [message] = mail.outbox
    assert message.to == ["New.Person@example.com"]
    assert tenant.name in message.subject and "Accountant" in message.body and "expires in" in message.body
    link = LINK.search(message.body)[1]
    assert "Invited, no password chosen yet" in owner_web.get("/team/").text

    browser = Client()
    form = browser.get(link, follow=True)
    assert form.status_code == 200 and "Choose a new password" in form.text
    chosen = browser.post(form.redirect_chain[-1][0], {"new_password1": "Correct-Horse-42",
                                                       "new_password2": "Correct-Horse-42"})
    assert chosen.status_code == 302
    assert "does not work" in browser.get(link, follow=True).text  # the link works once
    assert browser.post("/accounts/login/", {"username": "New.Person@example.com",
                                             "password": "Correct-Horse-42"}).status_code == 302
    home = browser.get("/sessions/")
    assert home.status_code == 200 and tenant.name in home.text  # lands in the tenant


def test_inviting_an_existing_user_adds_them_with_a_notice(tenant, owner_web, outsider, committed):
    outsider.email = "outsider@example.com"
    outsider.save()
    with committed(execute=True):
        owner_web.post("/team/invite/", {"email": "OUTSIDER@example.com", "role": "installer"})
    assert membership_of(outsider, tenant).role == Role.INSTALLER
    [message] = mail.outbox
    assert "added you" in message.body and "/accounts/reset/" not in message.body
    again = owner_web.post("/team/invite/", {"email": "outsider@example.com", "role": "installer"})
    assert again.status_code == 400 and "a member of this tenant already" in again.text


def test_a_bad_address_is_a_form_error(tenant, owner_web):
    answer = owner_web.post("/team/invite/", {"email": "not an address", "role": "boss"})
    assert answer.status_code == 400
    assert "valid email" in answer.text and "Select a valid choice" in answer.text
    assert not mail.outbox


def test_resending_an_invitation_mails_a_fresh_link(tenant, owner_web, committed):
    with committed(execute=True):
        owner_web.post("/team/invite/", {"email": "late@example.com", "role": "installer"})
    theirs = Membership.objects.get(tenant=tenant, user__email="late@example.com")
    assert owner_web.post(f"/team/{theirs.pk}/resend/").status_code == 302
    assert len(mail.outbox) == 2 and LINK.search(mail.outbox[1].body)


def test_settings_save_and_refuse_bad_values(tenant, owner_web):
    bad = owner_web.post("/settings/", {"name": "", "timezone": "Mars/Olympus", "locale": "German",
                                        "max_sessions_per_id_tag": "-1"})
    assert bad.status_code == 400
    assert "A BCP 47 tag" in bad.text and "Select a valid choice" in bad.text
    good = owner_web.post("/settings/", {"name": "Renamed", "timezone": "Europe/Berlin", "locale": "de-DE",
                                         "max_sessions_per_id_tag": "2", "new_stations_pending": "on"})
    assert good.status_code == 302
    tenant.refresh_from_db()
    assert (tenant.name, tenant.timezone, tenant.locale, tenant.max_sessions_per_id_tag,
            tenant.new_stations_pending) == ("Renamed", "Europe/Berlin", "de-DE", 2, True)
    assert AuditEntry.objects.filter(tenant=tenant, object_type="tenants.tenant", action="update").exists()
