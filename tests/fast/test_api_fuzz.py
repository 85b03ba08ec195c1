"""The API fuzzed over its own OpenAPI schema (issue 16), in this process: schemathesis generates
requests for every operation of /api/schema/, with a token of each role (manager, installer,
accountant), against a tenant with some data. No answer may be a 5xx, and every status code that
comes back must be one the schema documents for that operation.

Why in process: the same fuzz through schemathesis' CLI against the live server cost 40 s per role
and hit that cap before every operation had its examples. Here each operation is one test item,
called through Django's WSGI application (schemathesis' `from_wsgi`, a werkzeug client) inside the
test's rolled-back transaction: every example runs, in a fraction of the time.

- WSGI serves the async (adrf) views too: Django runs them with `async_to_sync`, and their
  database calls (`sync_to_async`, thread-sensitive) come back to this thread, so to the test's
  connection and transaction. The streamed exports are read whole by the werkzeug client.
- A WSGI request ends by closing "old" database connections (`request_finished`), which inside the
  test's transaction would close it; Django's own test client disconnects that receiver around a
  request, and `_connections_kept` does the same for the whole test.
- The data is made once per operation (pytest-django's `db`: made, then rolled back); an example
  may change it, which is fine: the checks are per answer. Commands to a station answer 409 (not
  connected) as on the live server, where no station is connected either.
- Same Hypothesis settings as the CLI had: `MAX_EXAMPLES` per operation (default 4), seed 16,
  derandomized, no shrinking, health checks suppressed. Each operation gets the schema's examples
  and its generated cases; the manager's also get schemathesis' coverage phase (about a hundred
  boundary cases per operation, most of the time here; the CLI spent most of its cap on it), the
  other roles' only with `API_FUZZ_COVERAGE=all`. About 10,200 requests in all, as many as the
  three capped CLI runs made (3,340 each).
- The schema is read at collection (its view is public and reads no database), so each operation
  is a test item of its own; schemathesis' `pytest.from_fixture` would make them subtests, which
  it cannot name under pytest 9.
"""

import os
from datetime import UTC, datetime, timedelta

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, seed, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import status_code_conformance

from billing.models import Customer
from stations.models import ChargingSession
from tenants.models import Role
from tenants.services import api_token_create
from tests.factories import make_id_tag, make_station, make_tenant
from tests.fast.billing.test_tariffs import make_tariff

MAX_EXAMPLES = int(os.environ.get("API_FUZZ_EXAMPLES", "4"))
ROLES = [Role.MANAGER, Role.INSTALLER, Role.ACCOUNTANT]


@pytest.fixture
def _connections_kept():
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def fuzzed_tenant(db):
    tenant = make_tenant("Fuzzed")
    station, _ = make_station(tenant, identity="FUZZ-CP1")
    make_station(tenant, identity="FUZZ-CP2")
    customer = Customer.objects.create(tenant=tenant, name="Fuzz Customer")
    make_id_tag(tenant, "FUZZTAG1", customer=customer)
    make_tariff(tenant)
    start = datetime.now(UTC) - timedelta(hours=3)
    ChargingSession.objects.create(tenant=tenant, station=station, connector_id=1, transaction_id=1,
                                   id_tag="FUZZTAG1", meter_start=0, meter_stop=5000,
                                   started_at=start, stopped_at=start + timedelta(hours=1))
    return tenant


@pytest.fixture
def keys(fuzzed_tenant, _connections_kept) -> dict[str, str]:
    """A token of each role in the fuzzed tenant."""
    return {role: api_token_create(tenant=fuzzed_tenant, role=role)[1] for role in ROLES}


def load_schema(*, coverage: bool):
    loaded = schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application())
    loaded.config.phases.coverage.enabled = coverage
    return loaded


# The manager passes every permission check, so its boundary cases reach every handler: it gets
# schemathesis' coverage phase. The installer's and accountant's end at the permission check
# for most writes (403), so theirs run only with API_FUZZ_COVERAGE=all.
deep = load_schema(coverage=True)
shallow = load_schema(coverage=os.environ.get("API_FUZZ_COVERAGE") == "all")
FUZZ = settings(max_examples=MAX_EXAMPLES, derandomize=True, deadline=None,
                phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))


def call_and_check(case, key: str) -> None:
    case.call_and_validate(headers={"Authorization": f"Token {key}"},
                           checks=[not_a_server_error, status_code_conformance])


@deep.parametrize()
@seed(16)
@FUZZ
def test_no_operation_answers_a_manager_an_error_of_ours_or_an_undocumented_status(case, keys):
    call_and_check(case, keys[Role.MANAGER])


@shallow.parametrize()
@seed(16)
@FUZZ
def test_no_operation_answers_an_installer_an_error_of_ours_or_an_undocumented_status(case, keys):
    call_and_check(case, keys[Role.INSTALLER])


@shallow.parametrize()
@seed(16)
@FUZZ
def test_no_operation_answers_an_accountant_an_error_of_ours_or_an_undocumented_status(case, keys):
    call_and_check(case, keys[Role.ACCOUNTANT])
