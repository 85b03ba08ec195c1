from django.urls import re_path

from stations.smartcharging import api, limits_api, needs_api

STATION = r"^stations/(?P<identity>[^/]+)/"

urlpatterns = [
    re_path(STATION + r"charging-profiles/$", api.ChargingProfilesView.as_view(),
            name="charging-profiles"),
    re_path(STATION + r"charging-profiles/clear/$", api.ProfilesClearView.as_view(),
            name="charging-profiles-clear"),
    re_path(STATION + r"charging-profiles/(?P<pk>[0-9]+)/$", api.ChargingProfileView.as_view(),
            name="charging-profile"),
    re_path(STATION + r"charging-profiles/reports/$", api.ProfileReportsView.as_view(),
            name="charging-profile-reports"),
    re_path(STATION + r"charging-profiles/reports/(?P<pk>[0-9]+)/$",
            api.ProfileReportView.as_view(), name="charging-profile-report"),
    re_path(STATION + r"composite-schedule/$", api.CompositeScheduleView.as_view(),
            name="composite-schedule"),
    re_path(STATION + r"remote-start/$", api.RemoteStartView.as_view(), name="remote-start"),
    re_path(STATION + r"charging-limits/$", limits_api.ChargingLimitsView.as_view(),
            name="charging-limits"),
    re_path(STATION + r"charging-limits/(?P<pk>[0-9]+)/$", limits_api.ChargingLimitView.as_view(),
            name="charging-limit"),
    re_path(STATION + r"charging-needs/$", needs_api.StationChargingNeedsView.as_view(),
            name="charging-needs"),
    re_path(r"^sessions/(?P<pk>[0-9]+)/charging-needs/$",
            needs_api.SessionChargingNeedsView.as_view(), name="session-charging-needs"),
]
