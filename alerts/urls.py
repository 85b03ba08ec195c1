"""The alerts API (/api/v1/, docs/api.md "Alerts")."""

from django.urls import path, re_path

from alerts import api

urlpatterns = [
    path("alerts/", api.AlertsView.as_view(), name="api-alerts"),
    re_path(r"^alerts/(?P<pk>[0-9]{1,18})/$", api.AlertView.as_view(), name="api-alert"),
    re_path(r"^alerts/(?P<pk>[0-9]{1,18})/acknowledge/$", api.AlertAcknowledgeView.as_view(),
            name="api-alert-acknowledge"),
    path("alert-rules/", api.AlertRulesView.as_view(), name="api-alert-rules"),
    path("alert-rules/<str:kind>/", api.AlertRuleView.as_view(), name="api-alert-rule"),
    path("alert-mutes/", api.AlertMutesView.as_view(), name="api-alert-mutes"),
    re_path(r"^alert-mutes/(?P<identity>[^/]+)/$", api.AlertMuteView.as_view(),
            name="api-alert-mute"),
    path("alert-notifications/", api.AlertNotificationsView.as_view(),
         name="api-alert-notifications"),
]
