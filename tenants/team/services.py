"""Users and roles of a tenant (docs/dashboard.md, "People"): invite by e-mail, change a role,
remove a member. Two rules keep a tenant manageable: it always has a manager, and no manager
takes their own manager rights away (another manager must). An invited address that has no
account gets one with no usable password and a link to choose it: Django's password-reset
token (default_token_generator), so the link works once and expires after
PASSWORD_RESET_TIMEOUT like a reset link. Saves go through the models, so the audit log records
every change (audit/capture.py)."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from tenants.models import Membership, Role, Tenant


class TeamRuleBroken(ValueError):
    """A change the team's rules refuse; its text says why, for the operator."""


def _managers_left(membership: Membership) -> int:
    return (Membership.objects.filter(tenant_id=membership.tenant_id, role=Role.MANAGER)
            .exclude(pk=membership.pk).count())


def _check_manager_stays(membership: Membership, by_user) -> None:
    if membership.role != Role.MANAGER:
        return
    if membership.user_id == by_user.pk:
        raise TeamRuleBroken("You cannot take away your own manager rights; another manager can.")
    if _managers_left(membership) == 0:
        raise TeamRuleBroken("The tenant must keep at least one manager.")


@transaction.atomic
def member_role_set(*, membership: Membership, role: str, by_user) -> Membership:
    if role not in Role.values:
        raise TeamRuleBroken(f"Unknown role {role!r}.")
    if role != membership.role:
        _check_manager_stays(membership, by_user)
        membership.role = role
        membership.save(update_fields=["role"])
    return membership


@transaction.atomic
def member_remove(*, membership: Membership, by_user) -> None:
    if membership.user_id == by_user.pk:
        raise TeamRuleBroken("You cannot remove yourself; another manager can.")
    _check_manager_stays(membership, by_user)
    membership.delete()


def is_pending(user) -> bool:
    """Invited and never chose a password."""
    return not user.has_usable_password()


@transaction.atomic
def member_invite(*, tenant: Tenant, email: str, role: str, base_url: str, by_user) -> Membership:
    """Add `email` to the tenant with `role` and e-mail them: a notice for an existing account,
    else a new account and a link to choose its password. Sent after the commit."""
    User = get_user_model()
    email = email.strip()
    user = User.objects.filter(email__iexact=email).order_by("pk").first()
    if user is None:
        user = User.objects.filter(username__iexact=email).first()
    if user is not None and Membership.objects.filter(tenant=tenant, user=user).exists():
        raise TeamRuleBroken(f"{email} is a member of this tenant already.")
    if user is None:
        user = User(username=email[:150], email=email)
        user.set_unusable_password()
        user.save()
    membership = Membership.objects.create(tenant=tenant, user=user, role=role)
    transaction.on_commit(lambda: invite_mail_send(membership=membership, base_url=base_url,
                                                   by_user=by_user))
    return membership


def invite_mail_send(*, membership: Membership, base_url: str, by_user=None) -> None:
    """The invitation (a link to choose a password) or, for an account with one, the notice."""
    user = membership.user
    context = {"tenant": membership.tenant, "role": membership.get_role_display(), "user": user,
               "by": by_user.get_full_name() or by_user.get_username() if by_user else "",
               "login_url": base_url + reverse("login"),
               "hours": settings.PASSWORD_RESET_TIMEOUT // 3600}
    if is_pending(user):
        token = default_token_generator.make_token(user)
        uid = urlsafe_base64_encode(force_bytes(user.pk))
        context["link"] = base_url + reverse("password_reset_confirm", kwargs={"uidb64": uid, "token": token})
        template = "tenants/mail/invite.txt"
    else:
        template = "tenants/mail/added.txt"
    subject = f"You are invited to {membership.tenant.name} on CPMS"
    send_mail(subject, render_to_string(template, context), None, [user.email])
