"""The one place that scopes API querysets to the caller's tenant."""

from rest_framework import viewsets


class TenantScopedMixin:
    """Every queryset is filtered by the token's tenant; another tenant's object is a 404."""

    def get_queryset(self):
        return super().get_queryset().filter(tenant=self.request.tenant)

    def perform_create(self, serializer):
        serializer.save(tenant=self.request.tenant)


class TenantModelViewSet(TenantScopedMixin, viewsets.ModelViewSet):
    pass
