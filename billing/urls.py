from rest_framework.routers import DefaultRouter

from billing import api

router = DefaultRouter()
router.register("tariffs", api.TariffViewSet, basename="tariff")
router.register("customers", api.CustomerViewSet, basename="customer")

urlpatterns = router.urls
