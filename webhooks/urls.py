"""The webhooks API (/api/v1/webhooks/; docs/api.md)."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from webhooks import api
from webhooks.event_types_api import EventTypesView

router = SimpleRouter()
router.register("webhooks/endpoints", api.EndpointViewSet, basename="api-webhook-endpoint")
router.register("webhooks/events", api.EventViewSet, basename="api-webhook-event")
router.register("webhooks/deliveries", api.DeliveryViewSet, basename="api-webhook-delivery")

urlpatterns = [
    path("webhooks/replay/", api.ReplayView.as_view(), name="api-webhook-replay"),
    path("webhooks/event-types/", EventTypesView.as_view(), name="api-webhook-event-types"),
    *router.urls,
]
