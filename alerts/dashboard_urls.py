"""The alerts dashboard pages (alerts/views.py)."""

from django.urls import path

from alerts import views

urlpatterns = [
    path("alerts/", views.alerts_page, name="alerts-page"),
    path("alerts/<int:alert_id>/acknowledge/", views.alert_acknowledge, name="alert-acknowledge"),
    path("alerts/rules/", views.alert_rules_page, name="alert-rules-page"),
    path("alerts/rules/<str:kind>/", views.alert_rule_edit, name="alert-rule-edit"),
    path("alerts/mute/<str:identity>/", views.station_mute, name="alert-station-mute"),
    path("alerts/unmute/<str:identity>/", views.station_unmute, name="alert-station-unmute"),
    path("alerts/badge/", views.badge, name="alerts-badge"),
    path("alerts/card/", views.overview_card, name="alerts-overview-card"),
    path("alerts/card/<str:identity>/", views.station_card, name="alerts-station-card"),
]
