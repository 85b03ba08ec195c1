"""The webhooks dashboard pages (managers only; docs/webhooks.md, the dashboard)."""

from django.urls import path

from webhooks import views

urlpatterns = [
    path("webhooks/", views.webhooks_page, name="webhooks-page"),
    path("webhooks/<int:pk>/", views.endpoint_edit, name="webhook-endpoint-edit"),
    path("webhooks/<int:pk>/delete/", views.endpoint_delete, name="webhook-endpoint-delete"),
    path("webhooks/<int:pk>/rotate-secret/", views.endpoint_rotate, name="webhook-endpoint-rotate"),
    path("webhooks/<int:pk>/test/", views.endpoint_test, name="webhook-endpoint-test"),
    path("webhooks/<int:pk>/enable/", views.endpoint_enable, name="webhook-endpoint-enable"),
    path("webhooks/deliveries/", views.deliveries_page, name="webhook-deliveries-page"),
    path("webhooks/deliveries/replay/", views.replay_range, name="webhook-replay-range"),
    path("webhooks/events/<uuid:event_id>/replay/", views.event_replay, name="webhook-event-replay"),
]
