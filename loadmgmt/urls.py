from rest_framework.routers import SimpleRouter

from loadmgmt import api

router = SimpleRouter()
router.register("load-groups", api.LoadGroupViewSet, basename="loadgroup")

urlpatterns = router.urls
