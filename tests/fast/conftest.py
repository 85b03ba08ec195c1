"""The fast tier's shared cast: tenant A with its owner (a manager) and a member of a restricted
role (an installer), tenant B with its outsider; API clients with their tokens; signed-in dashboard
clients. Every test here runs in this process, inside a transaction rolled back at its end
(pytest-django's `db`), so nothing leaks into other tests or into the live tier (tests/README.md)."""

import pytest

from tenants.models import Role
from tests.factories import make_tenant
from tests.fast.clients import TenantApi, signed_in
from tests.test_admin import make_user


@pytest.fixture(autouse=True)
def _database_only_through_db(request, django_db_blocker):
    """The live tier opened the database for the session; here a test reaches it only through
    `db` or the `django_db` mark, whose transaction is rolled back (without, it would commit)."""
    if "_django_db_helper" in request.fixturenames:
        yield
        return
    with django_db_blocker.block():
        yield


@pytest.fixture
def tenant(db):
    return make_tenant("Tenant A")


@pytest.fixture
def other_tenant(db):
    return make_tenant("Tenant B")


def _dashboard_user(tenant, role: str):
    user = make_user(tenant=tenant, role=role)
    user.is_staff = False
    user.save(update_fields=["is_staff"])
    return user


@pytest.fixture
def owner(tenant):
    """Tenant A's property manager: may do everything in A."""
    return _dashboard_user(tenant, Role.MANAGER)


@pytest.fixture
def member(tenant):
    """An installer of tenant A: stations yes, money no."""
    return _dashboard_user(tenant, Role.INSTALLER)


@pytest.fixture
def outsider(other_tenant):
    """A manager of tenant B, who must see nothing of A."""
    return _dashboard_user(other_tenant, Role.MANAGER)


@pytest.fixture
def api_for(db):
    """`api_for(tenant, role)`: a client with a new token of that tenant and role."""
    def make(tenant, role: str = Role.MANAGER) -> TenantApi:
        return TenantApi(tenant, role)
    return make


@pytest.fixture
def owner_api(tenant, api_for) -> TenantApi:
    return api_for(tenant, Role.MANAGER)


@pytest.fixture
def member_api(tenant, api_for) -> TenantApi:
    return api_for(tenant, Role.INSTALLER)


@pytest.fixture
def outsider_api(other_tenant, api_for) -> TenantApi:
    return api_for(other_tenant, Role.MANAGER)


@pytest.fixture
def owner_web(owner):
    return signed_in(owner)


@pytest.fixture
def member_web(member):
    return signed_in(member)


@pytest.fixture
def outsider_web(outsider):
    return signed_in(outsider)
