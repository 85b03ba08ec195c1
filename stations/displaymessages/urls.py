from django.urls import re_path

from stations.displaymessages import api

STATION = r"^stations/(?P<identity>[^/]+)/display-messages/"

urlpatterns = [
    re_path(STATION + r"$", api.DisplayMessagesView.as_view(), name="station-display-messages"),
    re_path(STATION + r"refresh/$", api.DisplayMessagesRefreshView.as_view(),
            name="station-display-messages-refresh"),
    re_path(STATION + r"reports/$", api.DisplayMessageReportsView.as_view(),
            name="station-display-message-reports"),
    re_path(STATION + r"reports/(?P<pk>[0-9]{1,18})/$", api.DisplayMessageReportView.as_view(),
            name="station-display-message-report"),
    re_path(STATION + r"(?P<message_id>[0-9]{1,10})/$", api.DisplayMessageView.as_view(),
            name="station-display-message"),
]
