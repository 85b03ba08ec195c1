"""The alerts API (/api/v1/, docs/api.md "Alerts"): alerts and their acknowledgement, the
tenant's rules (defaults merged), station mutes and the e-mails sent.

Every role reads; manager and installer acknowledge and mute (the role permission's "stations"
area); only a manager changes a rule. Views stay thin: reads through alerts/selectors.py and
alerts/rules.py, writes through alerts/services.py, another tenant's object is a 404."""

from django.db.models import Count
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, permissions, status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from alerts import rules, selectors, services
from alerts.filters import AlertFilter, AlertNotificationFilter
from alerts.models import Alert, AlertKind, AlertNotification, AlertRule, StationMute
from alerts.serializers import (
    AlertNotificationSerializer,
    AlertRuleSerializer,
    AlertSerializer,
    StationMuteSerializer,
)
from cpms.api_schema import schema_pass
from stations import selectors as station_selectors
from tenants.actors import closer_of
from tenants.api import (
    TenantListAPIView,
    TenantListCreateAPIView,
    TenantRetrieveAPIView,
    TenantScopedMixin,
)
from tenants.models import Membership, Role
from tenants.permissions import token_role

KIND = OpenApiParameter("kind", str, OpenApiParameter.PATH, enum=AlertKind.values)
IDENTITY = OpenApiParameter("identity", str, OpenApiParameter.PATH,
                            description="The muted station's identity")
NOT_FOUND = OpenApiResponse(description="No such object in this tenant")


class ManagerChangesRules(permissions.BasePermission):
    """Every role reads the rules; only a manager's token changes them."""

    message = "Only a manager's token changes alert rules."

    def has_permission(self, request, view) -> bool:
        return request.method in permissions.SAFE_METHODS or token_role(request) == Role.MANAGER


class AlertsView(TenantListAPIView):
    """The tenant's alerts, newest first."""

    queryset = Alert.objects.none()
    serializer_class = AlertSerializer
    filterset_class = AlertFilter

    def tenant_queryset(self, tenant):
        return selectors.alerts_of(tenant.pk).order_by("-opened_at", "-id")


class AlertView(TenantRetrieveAPIView):
    """One alert."""

    queryset = Alert.objects.none()
    serializer_class = AlertSerializer

    def tenant_queryset(self, tenant):
        return selectors.alerts_of(tenant.pk)


class AlertAcknowledgeView(TenantScopedMixin, generics.GenericAPIView):
    """Someone has the alert in hand: it leaves the header's count. Acknowledging again keeps
    the first acknowledgement (who and when)."""

    queryset = Alert.objects.none()
    serializer_class = AlertSerializer

    def tenant_queryset(self, tenant):
        return selectors.alerts_of(tenant.pk)

    @extend_schema(request=None, responses={200: AlertSerializer, 404: NOT_FOUND})
    def post(self, request, pk: int):
        alert = self.get_object()
        alert = services.alert_acknowledge(tenant_id=request.tenant.pk, alert_id=alert.pk,
                                           by=closer_of(request))
        return Response(AlertSerializer(alert).data)


class AlertRulesView(APIView):
    """Every kind's rule of the tenant: the one it saved, else the default (`is_default`)."""

    @extend_schema(responses=AlertRuleSerializer(many=True))
    def get(self, request):
        saved = _saved_kinds(request.tenant.pk)
        return Response([_rule_data(rule, saved) for rule in rules.rules_of(request.tenant.pk)])


class AlertRuleView(APIView):
    """One kind's rule; PATCH changes it (a manager's token only). A change makes the tenant's
    own rule from the default: the fields not sent keep the default's values."""

    permission_classes = [*APIView.permission_classes, ManagerChangesRules]

    @extend_schema(parameters=[KIND], responses={200: AlertRuleSerializer, 404: NOT_FOUND})
    def get(self, request, kind: str):
        _known(kind)
        rule = rules.rule_for(request.tenant.pk, kind)
        return Response(_rule_data(rule, _saved_kinds(request.tenant.pk)))

    @extend_schema(parameters=[KIND], request=AlertRuleSerializer,
                   responses={200: AlertRuleSerializer, 404: NOT_FOUND,
                              400: OpenApiResponse(description="A field that is not valid")})
    def patch(self, request, kind: str):
        _known(kind)
        body = AlertRuleSerializer(data=request.data, partial=True,
                                   context={"member_ids": _member_ids(request.tenant.pk),
                                            "kind": kind})
        body.is_valid(raise_exception=True)
        try:
            services.alert_rule_update(tenant_id=request.tenant.pk, kind=kind,
                                       **body.validated_data)
        except ValueError as bad:
            raise ValidationError({"detail": [str(bad)]}) from None
        rule = rules.rule_for(request.tenant.pk, kind)
        return Response(_rule_data(rule, _saved_kinds(request.tenant.pk)))


class AlertMutesView(TenantListCreateAPIView):
    """The tenant's muted stations: their alerts are recorded but no one is told. POST mutes
    one (again: its mute is replaced)."""

    queryset = StationMute.objects.none()
    serializer_class = StationMuteSerializer

    def tenant_queryset(self, tenant):
        return StationMute.objects.filter(tenant=tenant).select_related("station").order_by("-id")

    def get_serializer_context(self) -> dict:
        context = super().get_serializer_context()
        if not schema_pass(self):
            context["stations"] = station_selectors.stations_of(self.request.tenant)
        return context

    def perform_create(self, serializer):
        data = serializer.validated_data
        try:
            serializer.instance = services.station_mute(
                tenant_id=self.request.tenant.pk, station_id=data["station"].pk,
                until=data.get("until"), reason=data.get("reason", ""), by=closer_of(self.request))
        except ValueError as bad:
            raise ValidationError({"until": [str(bad)]}) from None


class AlertMuteView(APIView):
    """DELETE unmutes the station: its new alerts are told again."""

    @extend_schema(parameters=[IDENTITY], request=None,
                   responses={204: OpenApiResponse(description="Unmuted"), 404: NOT_FOUND})
    def delete(self, request, identity: str):
        mute = get_object_or_404(StationMute, tenant=request.tenant, station__identity=identity)
        services.station_unmute(tenant_id=request.tenant.pk, station_id=mute.station_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


class AlertNotificationsView(TenantListAPIView):
    """The e-mails sent of the tenant's alerts (a burst: one summary per recipient), newest
    first, with the SMTP error of a refused one (it is sent again next round)."""

    queryset = AlertNotification.objects.none()
    serializer_class = AlertNotificationSerializer
    filterset_class = AlertNotificationFilter

    def tenant_queryset(self, tenant):
        return (AlertNotification.objects.filter(tenant=tenant)
                .annotate(alert_count=Count("alerts")).order_by("-sent_at", "-id"))


def _known(kind: str) -> None:
    if kind not in AlertKind.values:
        raise NotFound(f"No alert kind {kind!r}; the kinds: {', '.join(AlertKind.values)}.")


def _saved_kinds(tenant_id: int) -> set[str]:
    return set(AlertRule.objects.filter(tenant_id=tenant_id).values_list("kind", flat=True))


def _member_ids(tenant_id: int) -> set[int]:
    return set(Membership.objects.filter(tenant_id=tenant_id).values_list("user_id", flat=True))


def _rule_data(rule: rules.Rule, saved: set[str]) -> dict:
    return {"kind": rule.kind, "is_default": rule.kind not in saved, "enabled": rule.enabled,
            "threshold": rule.threshold, "severity": rule.severity, "email": rule.email,
            "notify_roles": list(rule.notify_roles), "notify_users": list(rule.notify_user_ids)}
