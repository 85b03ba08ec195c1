from django.urls import re_path

from stations.smartcharging import api

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
]
