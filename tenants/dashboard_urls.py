"""The tenant's own dashboard pages: users and roles, tenant settings (tenants/team/)."""

from django.urls import path

from tenants.team import views

urlpatterns = [
    path("team/", views.team_page, name="team-page"),
    path("team/invite/", views.team_invite, name="team-invite"),
    path("team/<int:pk>/role/", views.team_role, name="team-role"),
    path("team/<int:pk>/remove/", views.team_remove, name="team-remove"),
    path("team/<int:pk>/resend/", views.team_resend, name="team-resend"),
    path("settings/", views.tenant_settings_page, name="tenant-settings-page"),
]
