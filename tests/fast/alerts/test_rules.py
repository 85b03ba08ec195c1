"""Alert rules (alerts/rules.py): the day-one defaults, a saved rule over them, and the groups
a sweep asks the database with."""

import pytest

from alerts import rules
from alerts.models import AlertKind
from alerts.services import alert_rule_update
from stations.models import Station
from tests.factories import make_station

pytestmark = pytest.mark.django_db


def test_every_kind_has_a_default_enabled_with_email_to_managers():
    assert set(rules.DEFAULTS) == set(AlertKind.values)
    for kind, default in rules.DEFAULTS.items():
        assert default.enabled and default.email, kind
        assert "manager" in default.notify_roles, kind


def test_the_defaults_are_those_of_day_one():
    offline = rules.default_rule(AlertKind.STATION_OFFLINE)
    assert (offline.threshold, offline.severity) == (10, "critical")
    assert rules.default_rule(AlertKind.METER_SILENT).threshold == 15
    assert rules.default_rule(AlertKind.REMOTE_START_UNUSED).threshold == 3
    assert rules.default_rule(AlertKind.CERTIFICATE_EXPIRING).threshold == 30
    assert rules.default_rule(AlertKind.INVOICE_RUN_FAILED).notify_roles == ("manager", "accountant")
    assert rules.threshold_of(rules.default_rule(AlertKind.CONNECTOR_FAULTED)) == 0


def test_a_tenant_that_configured_nothing_has_the_defaults(tenant):
    assert rules.rule_for(tenant.pk, AlertKind.STATION_OFFLINE) == rules.default_rule(
        AlertKind.STATION_OFFLINE)
    assert [r.kind for r in rules.rules_of(tenant.pk)] == AlertKind.values


def test_a_saved_rule_overrides_the_default_and_a_blank_threshold_stays_the_default(tenant, owner):
    alert_rule_update(tenant_id=tenant.pk, kind=AlertKind.STATION_OFFLINE, severity="warning",
                      notify_user_ids=[owner.pk], notify_roles=["installer"])
    rule = rules.rule_for(tenant.pk, AlertKind.STATION_OFFLINE)
    assert (rule.severity, rule.threshold, rule.notify_roles, rule.notify_user_ids) == (
        "warning", 10, ("installer",), (owner.pk,))
    alert_rule_update(tenant_id=tenant.pk, kind=AlertKind.STATION_OFFLINE, threshold=0)
    assert rules.threshold_of(rules.rule_for(tenant.pk, AlertKind.STATION_OFFLINE)) == 0


def test_another_tenants_rule_is_not_mine(tenant, other_tenant):
    alert_rule_update(tenant_id=other_tenant.pk, kind=AlertKind.METER_SILENT, enabled=False)
    assert rules.rule_for(tenant.pk, AlertKind.METER_SILENT).enabled
    assert not rules.rule_for(other_tenant.pk, AlertKind.METER_SILENT).enabled


def test_tenant_groups_give_each_threshold_its_tenants_and_leave_disabled_ones_out(tenant, other_tenant):
    alert_rule_update(tenant_id=tenant.pk, kind=AlertKind.METER_SILENT, threshold=5)
    alert_rule_update(tenant_id=other_tenant.pk, kind=AlertKind.METER_SILENT, enabled=False)
    groups = dict(rules.tenant_groups(AlertKind.METER_SILENT))
    assert set(groups) == {5, 15}
    mine, theirs = make_station(tenant)[0], make_station(other_tenant)[0]
    stations = Station.objects.filter(pk__in=[mine.pk, theirs.pk])
    assert list(stations.filter(groups[5])) == [mine]
    assert not stations.filter(groups[15]).exists()


@pytest.mark.parametrize("fields, reason", [
    ({"threshold": -1}, "threshold"), ({"threshold": "5"}, "threshold"),
    ({"severity": "loud"}, "Severity"), ({"notify_roles": ["owner"]}, "Roles"),
    ({"notify_roles": "manager"}, "Roles"), ({"colour": "red"}, "Unknown rule fields"),
])
def test_a_rule_update_with_a_bad_field_says_why(tenant, fields, reason):
    with pytest.raises(ValueError, match=reason):
        alert_rule_update(tenant_id=tenant.pk, kind=AlertKind.STATION_OFFLINE, **fields)


def test_an_unknown_kind_is_refused(tenant):
    with pytest.raises(ValueError, match="kind"):
        alert_rule_update(tenant_id=tenant.pk, kind="volcano", enabled=False)


def test_only_members_of_the_tenant_can_be_told(tenant, outsider):
    with pytest.raises(ValueError, match="members"):
        alert_rule_update(tenant_id=tenant.pk, kind=AlertKind.STATION_OFFLINE,
                          notify_user_ids=[outsider.pk])
