"""Bases for the API's station sub-resources: /api/v1/stations/<identity>/...

"This station in this tenant" is resolved here once per request, for sync and async views
alike: another tenant's station (or one that does not exist) is a 404 before the view does
anything. The tenant scope itself is tenants/api.py's; this adds the station on top."""

from adrf.views import APIView as AsyncAPIView
from asgiref.sync import sync_to_async
from django.utils.functional import cached_property
from rest_framework import generics
from rest_framework.generics import get_object_or_404

from stations import selectors
from stations.models import Station
from tenants.api import AsyncListMixin, TenantScopedMixin

IDENTITY = "identity"  # the URL keyword of every station sub-resource


def station_in_tenant(request, identity: str) -> Station:
    """The request's tenant's station with that identity, else a 404."""
    return get_object_or_404(selectors.stations_of(request.tenant), identity=identity)


# As in tenants/api.py, the bases explain themselves in comments (not in every view's schema).


class StationScopedMixin(TenantScopedMixin):
    # For generic views under a station: `self.station` is the station, resolved right after
    # the token and its role are checked (another tenant's is a 404 before the body is even
    # read), and `get_queryset` is `station_queryset(station)`.

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        self.station  # noqa: B018  (resolved now: a 404 comes first)

    @cached_property
    def station(self) -> Station:
        return station_in_tenant(self.request, self.kwargs[IDENTITY])

    def tenant_queryset(self, tenant):
        return self.station_queryset(self.station)

    def station_queryset(self, station: Station):
        return self.queryset.model._default_manager.filter(station=station)


class StationListAPIView(StationScopedMixin, generics.ListAPIView):
    pass


class StationRetrieveAPIView(StationScopedMixin, generics.RetrieveAPIView):
    pass


class StationGenericAPIView(StationScopedMixin, generics.GenericAPIView):
    pass


class AsyncStationAPIView(AsyncListMixin, AsyncAPIView):
    # For async (adrf) views under a station: the station is resolved once, right after the
    # token and its role are checked (adrf runs `initial` in a thread), so another tenant's is
    # a 404 before anything else; `self.station` is it, `await self.get_scoped(queryset,
    # **lookup)` finds one of its rows (else a 404), and `await self.alist(queryset,
    # serializer_class)` pages and filters a list.

    station: Station

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        self.station = station_in_tenant(request, self.kwargs[IDENTITY])

    async def get_scoped(self, queryset, **lookup):
        return await sync_to_async(get_object_or_404)(queryset, **lookup)
