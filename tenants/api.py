"""The one place that scopes API views to the caller's tenant.

The token's tenant is resolved by `tenants.auth` (`request.tenant`); every API view derives
from a base here, so no view can forget the scope: its rows come from `tenant_queryset(tenant)`
and another tenant's object is a 404, never a 403 that would tell it exists.
A station's sub-resources add the station on top (`stations/api_base.py`).

drf-spectacular builds the OpenAPI schema by calling views without a tenant: the bases answer
the class's empty `queryset` then (`cpms.api_schema.schema_pass`, the one test for it).
"""

from asgiref.sync import sync_to_async
from rest_framework import generics, mixins, viewsets
from rest_framework.response import Response
from rest_framework.settings import api_settings

from cpms.api_schema import schema_pass

# The bases' explanations are comments, not docstrings: drf-spectacular would show a base's
# docstring as the description of every view without one.


class TenantScopedMixin:
    # For DRF generic views and viewsets: `get_queryset` is `tenant_queryset(request.tenant)`
    # (by default the model's rows of that tenant), created rows belong to the tenant. A class
    # names its model by `queryset = Model.objects.none()`, which the schema pass answers.

    def get_queryset(self):
        if schema_pass(self):
            return super().get_queryset()
        return self.tenant_queryset(self.request.tenant)

    def tenant_queryset(self, tenant):
        return self.queryset.model._default_manager.filter(tenant=tenant)

    def perform_create(self, serializer):
        serializer.save(tenant=self.request.tenant)


class TenantListAPIView(TenantScopedMixin, generics.ListAPIView):
    pass


class TenantListCreateAPIView(TenantScopedMixin, generics.ListCreateAPIView):
    pass


class TenantRetrieveAPIView(TenantScopedMixin, generics.RetrieveAPIView):
    pass


class TenantRetrieveDestroyAPIView(TenantScopedMixin, generics.RetrieveDestroyAPIView):
    pass


class TenantReadOnlyModelViewSet(TenantScopedMixin, viewsets.ReadOnlyModelViewSet):
    pass


class TenantListRetrieveViewSet(TenantScopedMixin, mixins.ListModelMixin,
                                mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    pass


class TenantModelViewSet(TenantScopedMixin, viewsets.ModelViewSet):
    pass


class AsyncListMixin:
    # Pagination and filters for async (adrf) views, the same as the generic views': the
    # project's pagination class (`?limit=&offset=`, `{count, next, previous, results}`) and
    # its filter backends with the view's `filterset_class`, so a query parameter means the
    # same on every list. Named apart from DRF's `pagination_class` and `filter_backends`:
    # an async view documents its parameters and body itself, as before.

    list_pagination_class = api_settings.DEFAULT_PAGINATION_CLASS
    list_filter_backends = api_settings.DEFAULT_FILTER_BACKENDS
    filterset_class = None

    async def alist(self, queryset, serializer_class) -> Response:
        return await sync_to_async(self.list_response)(queryset, serializer_class)

    def list_response(self, queryset, serializer_class) -> Response:
        for backend in self.list_filter_backends:
            queryset = backend().filter_queryset(self.request, queryset, self)
        paginator = self.list_pagination_class()
        page = paginator.paginate_queryset(queryset, self.request, view=self)
        return paginator.get_paginated_response(serializer_class(page, many=True).data)
