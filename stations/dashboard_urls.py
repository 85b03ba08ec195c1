"""Dashboard pages of this app (see tenants/access.py for who may see them)."""

from django.urls import path

from stations import views, views_actions
from tenants.views import tenant_switch

urlpatterns = [
    path("", views.overview, name="dashboard"),
    path("tenant/", tenant_switch, name="tenant-switch"),
    path("stations/", views.stations_page, name="stations-page"),
    path("stations/new/", views.onboarding, name="onboarding"),
    path("stations/<str:identity>/", views.station_page, name="station-page"),
    path("stations/<str:identity>/configuration/", views_actions.configuration,
         name="station-configuration"),
    path("stations/<str:identity>/configuration/change/", views_actions.change_configuration,
         name="station-change-configuration"),
    path("stations/<str:identity>/remote-start/", views_actions.remote_start,
         name="station-remote-start"),
    path("stations/<str:identity>/remote-stop/", views_actions.remote_stop, name="station-remote-stop"),
    path("stations/<str:identity>/reset/", views_actions.reset, name="station-reset"),
    path("stations/<str:identity>/unlock/", views_actions.unlock, name="station-unlock"),
    path("stations/<str:identity>/availability/", views_actions.availability,
         name="station-availability"),
    path("stations/<str:identity>/trigger/", views_actions.trigger, name="station-trigger-page"),
]
