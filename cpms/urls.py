from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.staticfiles.urls import staticfiles_urlpatterns
from django.templatetags.static import static
from django.urls import include, path
from django.views.decorators.http import require_safe
from django.views.generic.base import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from cpms.login_throttle import LoginView

urlpatterns = [
    path("accounts/login/", LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    # Password reset by email (and change); the templates are in templates/registration/
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include("stations.urls")),
    path("api/v1/", include("billing.urls")),
    path("api/v1/", include("billing.exports.urls")),
    path("api/v1/", include("alerts.urls")),
    path("api/v1/", include("webhooks.urls")),
    path("api/v1/", include("audit.urls")),
    path("api/v1/", include("locations.urls")),
    path("api/v1/", include("reports.urls")),
    path("api/v1/", include("portability.urls")),
    # Firmware downloads and diagnostics/log uploads for stations: the token in the URL is the key.
    path("ocpp-files/", include("stations.firmware.file_urls")),
    # The dashboard, one URL module per app ("/" is stations' overview)
    path("", include("stations.dashboard_urls")),
    path("", include("billing.dashboard_urls")),
    path("", include("loadmgmt.dashboard_urls")),
    path("", include("stations.security.dashboard_urls")),
    path("", include("alerts.dashboard_urls")),
    path("", include("webhooks.dashboard_urls")),
    path("", include("audit.dashboard_urls")),
    path("", include("locations.dashboard_urls")),
    path("", include("reports.dashboard_urls")),
    path("", include("portability.dashboard_urls")),
    path("", include("tenants.dashboard_urls")),
    path("", include("cpms.picker_urls")),  # /pick/…: the search pickers' matches
    path("favicon.ico", require_safe(RedirectView.as_view(url=static("favicon.svg"), permanent=True))),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api-docs"),
]

if settings.DEBUG:  # in production the proxy serves /static/ (deploy/nginx.conf)
    urlpatterns += staticfiles_urlpatterns()
