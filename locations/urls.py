"""The locations API routes (under /api/v1/)."""

from rest_framework.routers import SimpleRouter

from locations import api

router = SimpleRouter()
router.register("locations", api.LocationViewSet, basename="location")

urlpatterns = router.urls
