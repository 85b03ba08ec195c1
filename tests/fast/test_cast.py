"""The fast tier's shared cast (tests/fast/conftest.py) is what tests rely on it to be: the owner
manages tenant A, the member is an installer of A, the outsider belongs to B only, and each client
carries its own tenant's token or session."""

from tenants.models import Membership, Role
from tests.factories import make_station


def test_the_owner_and_the_member_belong_to_tenant_a_and_the_outsider_to_b_only(
        tenant, other_tenant, owner, member, outsider):
    roles = {(m.user_id, m.tenant_id): m.role for m in Membership.objects.all()}

    assert roles[(owner.pk, tenant.pk)] == Role.MANAGER
    assert roles[(member.pk, tenant.pk)] == Role.INSTALLER
    assert roles[(outsider.pk, other_tenant.pk)] == Role.MANAGER
    assert (outsider.pk, tenant.pk) not in roles


def test_each_api_client_reads_its_own_tenant_with_its_role(tenant, owner_api, member_api, outsider_api):
    station, _ = make_station(tenant)
    path = f"/api/v1/stations/{station.identity}/"

    assert owner_api.get(path).status_code == member_api.get(path).status_code == 200
    assert outsider_api.get(path).status_code == 404
    assert member_api.get("/api/v1/tariffs/").status_code == 403  # an installer handles no money
    assert owner_api.get("/api/v1/tariffs/").status_code == 200


def test_each_dashboard_client_is_signed_in_as_its_user(tenant, owner_web, outsider_web):
    station, _ = make_station(tenant)

    assert owner_web.get(f"/stations/{station.identity}/").status_code == 200
    assert outsider_web.get(f"/stations/{station.identity}/").status_code == 404
