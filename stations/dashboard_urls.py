"""Dashboard pages of this app (see tenants/access.py for who may see them)."""

from django.urls import include, path

from stations import views
from stations.dashboard import actions, manage
from tenants.views import tenant_switch

urlpatterns = [
    path("", views.overview, name="dashboard"),
    path("tenant/", tenant_switch, name="tenant-switch"),
    path("stations/", views.stations_page, name="stations-page"),
    path("stations/new/", views.onboarding, name="onboarding"),
    path("stations/<str:identity>/", views.station_page, name="station-page"),
    path("stations/<str:identity>/admission/", views.station_admission,
         name="station-admission"),
    # Managing a station (stations/dashboard/manage.py)
    path("stations/<str:identity>/edit/", manage.station_edit, name="station-edit"),
    path("stations/<str:identity>/enabled/", manage.station_enabled, name="station-enabled"),
    path("stations/<str:identity>/remove/", manage.station_remove_view, name="station-remove"),
    path("stations/<str:identity>/restore/", manage.station_restore_view, name="station-restore-page"),
    path("stations/<str:identity>/password/", manage.station_password, name="station-password-page"),
    path("", include("stations.devicemodel.dashboard_urls")),
    path("", include("stations.customerinfo.dashboard_urls")),  # logs and customer data
    path("", include("stations.monitoring.dashboard_urls")),  # monitoring/, events/
    path("", include("stations.displaymessages.dashboard_urls")),
    path("", include("stations.firmware.dashboard_urls")),
    path("", include("stations.reservations.dashboard_urls")),
    path("", include("stations.authlist.dashboard_urls")),
    path("stations/<str:identity>/configuration/", actions.configuration,
         name="station-configuration"),
    path("stations/<str:identity>/configuration/change/", actions.change_configuration,
         name="station-change-configuration"),
    path("stations/<str:identity>/remote-start/", actions.remote_start,
         name="station-remote-start"),
    path("stations/<str:identity>/remote-stop/", actions.remote_stop, name="station-remote-stop"),
    path("stations/<str:identity>/reset/", actions.reset, name="station-reset"),
    path("stations/<str:identity>/unlock/", actions.unlock, name="station-unlock"),
    path("stations/<str:identity>/availability/", actions.availability,
         name="station-availability"),
    path("stations/<str:identity>/trigger/", actions.trigger, name="station-trigger-page"),
]
