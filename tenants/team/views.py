"""The team page (members, roles, invitations) and the tenant's settings, for managers only
(docs/dashboard.md, "People"). The rules are the services' (tenants/team/services.py)."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from cpms.dashboard import page
from cpms.listing import listing
from tenants.models import Membership, Role
from tenants.team import services
from tenants.team.forms import InviteForm, RoleForm, TenantSettingsForm

MEMBER_SORTS = {"user": ("user__email", "user__username"), "role": "role",
                "login": "user__last_login"}


def _base_url(request) -> str:
    return f"{request.scheme}://{request.get_host()}"


@page(Role.MANAGER)
def team_page(request):
    return _team(request, InviteForm())


def _team(request, form: InviteForm, status: int = 200):
    members = Membership.objects.filter(tenant=request.tenant).select_related("user")
    rows = listing(request, members, sorts=MEMBER_SORTS, default="user",
                   search=("user__email", "user__username", "user__first_name", "user__last_name"))
    return render(request, "tenants/team.html", {
        "rows": rows, "form": form, "roles": Role.choices}, status=status)


@require_POST
@page(Role.MANAGER)
def team_invite(request):
    form = InviteForm(request.POST)
    if form.is_valid():
        try:
            member = services.member_invite(tenant=request.tenant, base_url=_base_url(request),
                                            by_user=request.user, **form.cleaned_data)
        except services.TeamRuleBroken as refused:
            form.add_error("email", str(refused))
        else:
            sent = ("an e-mail with a link to choose a password" if services.is_pending(member.user)
                    else "a notice by e-mail")
            messages.success(request, f"{member.user.email} invited as {member.get_role_display()}: {sent}.")
            return redirect("team-page")
    return _team(request, form, status=400)


def _member(request, pk: int) -> Membership:
    return get_object_or_404(Membership.objects.filter(tenant=request.tenant).select_related("user"), pk=pk)


@require_POST
@page(Role.MANAGER)
def team_role(request, pk: int):
    member = _member(request, pk)
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose one of the roles.")
    else:
        try:
            services.member_role_set(membership=member, by_user=request.user, **form.cleaned_data)
        except services.TeamRuleBroken as refused:
            messages.error(request, str(refused))
        else:
            who = member.user.email or member.user
            messages.success(request, f"{who} is {member.get_role_display()} now.")
    return redirect("team-page")


@require_POST
@page(Role.MANAGER)
def team_remove(request, pk: int):
    member = _member(request, pk)
    try:
        services.member_remove(membership=member, by_user=request.user)
    except services.TeamRuleBroken as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, f"{member.user.email or member.user} removed from {request.tenant.name}.")
    return redirect("team-page")


@require_POST
@page(Role.MANAGER)
def team_resend(request, pk: int):
    member = _member(request, pk)
    services.invite_mail_send(membership=member, base_url=_base_url(request), by_user=request.user)
    messages.success(request, f"Invitation sent to {member.user.email} again.")
    return redirect("team-page")


@page(Role.MANAGER)
def tenant_settings_page(request):
    form = TenantSettingsForm(request.POST or None, instance=request.tenant)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Settings saved.")
        return redirect("tenant-settings-page")
    return render(request, "tenants/settings.html", {"form": form},
                  status=400 if form.is_bound and form.errors else 200)
