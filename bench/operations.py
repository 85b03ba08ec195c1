"""Operations apps benchmark (issue 20): alert sweeps and delivery, webhook events, audit capture.

    .venv/bin/python bench/operations.py                      # embedded default (SQLite)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/operations.py
    .venv/bin/python bench/operations.py sweep delivery --stations 10000 --runs 5

Like bench/billing.py it makes a scratch database (PostgreSQL: `cpms_bench_<hex>` next to
DATABASE_URL's; nothing set: a temporary SQLite file), migrates it, bulk-inserts what it needs and
drops it at the end unless `--keep`. Sections (all by default), each timed `--runs` times, printing
the median, min and max:
- sweep: N stations over T tenants that were connected and went silent (half with their channel
  cleared, half still held by a server process that stopped beating): the offline sweep
  `alerts.conditions.offline.check(now)` that opens their alerts, the next one that refreshes them,
  and the one after they are back (held by a live process) that resolves them;
- delivery: `alerts.delivery.alerts_deliver(now=...)` for N open alerts nobody was told of yet
  (the same tenants, two managers with an e-mail each; Django's locmem e-mail backend): one
  summary per recipient;
- webhooks: `webhook_emit` of a `station.status_changed` event in its own transaction with one
  subscribed endpoint (the event and its delivery written; queueing the delivery after the commit
  is replaced by a counter, so nothing is sent), and, for a tenant nobody subscribes in,
  `webhook_wanted` from the warm cache and the whole StatusChanged subscriber (what every status
  change of a fleet costs on the station link's event loop), and `webhook_types_of` (the query
  that fills the cache);
- audit: PATCH of a station's name through Django's test client with an API token, audited (the
  middleware's context and the model receivers) against a client whose middleware leaves the
  audit middleware out (no context: the receivers return at once); and the same write as a
  service call (`station_update`) inside `audit_context` or outside any. The writes alternate one
  by one, so that a busy machine slows both alike.
"""

import argparse
import os
import secrets
import statistics
import sys
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.billing import drop_database, scratch_database  # noqa: E402

SECTIONS = ("sweep", "delivery", "webhooks", "audit")


def parse_args(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("sections", nargs="*", metavar="section",
                   help=f"any of {', '.join(SECTIONS)} (default: all)")
    p.add_argument("--stations", type=int, default=10_000, help="stations gone silent (and alerts told)")
    p.add_argument("--tenants", type=int, default=10)
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--events", type=int, default=2_000, help="webhook events per run")
    p.add_argument("--calls", type=int, default=1_000_000, help="webhook_wanted calls per run")
    p.add_argument("--writes", type=int, default=300, help="audited writes per variant and run")
    p.add_argument("--keep", action="store_true", help="keep the scratch database")
    args = p.parse_args(argv)
    unknown = set(args.sections) - set(SECTIONS)
    if unknown:
        p.error(f"unknown sections: {', '.join(sorted(unknown))}")
    args.sections = args.sections or list(SECTIONS)
    return args


def spread(values: list[float], scale: float = 1.0, unit: str = "s", digits: int = 2) -> str:
    med, low, high = (v * scale for v in (statistics.median(values), min(values), max(values)))
    return f"median {med:,.{digits}f} {unit} (min {low:,.{digits}f}, max {high:,.{digits}f})"


def timed(call: Callable[[], object]) -> tuple[float, object]:
    began = time.perf_counter()
    result = call()
    return time.perf_counter() - began, result


# --- The fleet ----------------------------------------------------------------------------------

class Fleet:
    """T tenants (two managers with an e-mail and an installer each) and N stations, spread evenly;
    a server process that stopped beating and one that beats."""

    def __init__(self, args):
        from django.contrib.auth import get_user_model
        from django.utils import timezone

        from stations.models import ServerProcess, Station
        from tenants.models import Membership, Role
        from tenants.services import tenant_create

        run = secrets.token_hex(3)
        now = timezone.now()
        self.tenants = [tenant_create(slug=f"ops-{run}-{n}", name=f"Operator {n}")
                        for n in range(args.tenants)]
        users = get_user_model().objects.bulk_create([
            get_user_model()(username=f"ops-{run}-{n}-{k}", email=f"ops{n}-{k}@example.com", password="!")
            for n in range(args.tenants) for k in range(3)])
        Membership.objects.bulk_create([
            Membership(tenant=self.tenants[i // 3], user=user,
                       role=Role.INSTALLER if i % 3 == 2 else Role.MANAGER) for i, user in enumerate(users)])
        self.dead = ServerProcess.objects.create(hostname="bench-crashed", pid=1,
                                                 last_beat=now - timedelta(days=1))
        self.alive = ServerProcess.objects.create(hostname="bench", pid=2, last_beat=now + timedelta(days=1))
        Station.objects.bulk_create([
            Station(tenant=self.tenants[n % args.tenants], identity=f"OPS-{n:05d}", password_hash="!",
                    ocpp_version="1.6") for n in range(args.stations)], batch_size=2_000)
        self.cleared = [t.pk for t in self.tenants[0::2]]  # their stations' channels were cleared
        self.crashed = [t.pk for t in self.tenants[1::2]]  # theirs are held by the dead process
        self.count = args.stations

    def stations(self, tenant_ids):
        from stations.models import Station

        return Station.objects.filter(tenant_id__in=tenant_ids)

    def go_silent(self, last_seen) -> None:
        """Connected until `last_seen`, then dropped: offline for the sweep."""
        self.stations(self.cleared).update(channel_name="", server_process=None, last_seen=last_seen)
        self.stations(self.crashed).update(channel_name="bench.crashed#1", server_process=self.dead,
                                           last_seen=last_seen)

    def come_back(self, now) -> None:
        self.stations(self.cleared + self.crashed).update(channel_name="bench.live#1",
                                                          server_process=self.alive, last_seen=now)


# --- Sections -----------------------------------------------------------------------------------

def bench_sweep(args, fleet: Fleet) -> None:
    from django.utils import timezone

    from alerts.conditions import offline
    from alerts.models import Alert, AlertKind, AlertState

    opening, refreshing, resolving = [], [], []
    for _ in range(args.runs):
        Alert.objects.filter(kind=AlertKind.STATION_OFFLINE).delete()
        now = timezone.now()
        fleet.go_silent(now - timedelta(hours=1))
        opening.append(timed(lambda now=now: offline.check(now))[0])
        opened = Alert.objects.filter(kind=AlertKind.STATION_OFFLINE, state=AlertState.OPEN)
        assert opened.count() == fleet.count
        refreshing.append(timed(lambda now=now: offline.check(now + timedelta(minutes=1)))[0])
        assert Alert.objects.filter(occurrences=2).count() == fleet.count
        fleet.come_back(now + timedelta(minutes=2))
        resolving.append(timed(lambda now=now: offline.check(now + timedelta(minutes=2)))[0])
        assert Alert.objects.filter(state=AlertState.RESOLVED).count() == fleet.count
    n = f"{fleet.count:,}"
    print(f"offline sweep, {n} stations over {len(fleet.tenants)} tenants, {args.runs} runs:")
    for label, values in ((f"opening their {n} alerts:", opening), ("refreshing them:", refreshing),
                          ("resolving them (back):", resolving)):
        print(f"  {label:30} {spread(values)}")


def bench_delivery(args, fleet: Fleet) -> None:
    from django.core import mail
    from django.utils import timezone

    from alerts.conditions import offline
    from alerts.delivery import alerts_deliver
    from alerts.models import Alert, AlertKind, AlertNotification

    Alert.objects.filter(kind=AlertKind.STATION_OFFLINE).delete()
    now = timezone.now()
    fleet.go_silent(now - timedelta(hours=1))
    offline.check(now)  # the burst: every station's alert open, nobody told yet
    times, sent = [], set()
    for _ in range(args.runs):
        Alert.objects.update(opened_notified_at=None)
        AlertNotification.objects.all().delete()
        mail.outbox = []
        elapsed, count = timed(lambda: alerts_deliver(now=timezone.now()))
        times.append(elapsed)
        sent.add((count, len(mail.outbox)))
        assert not Alert.objects.filter(opened_notified_at__isnull=True).exists()
    print(f"alert delivery of a {fleet.count:,}-alert burst ({len(fleet.tenants)} tenants, two managers "
          f"each; e-mails sent, in the outbox: {sorted(sent)}), {args.runs} runs:")
    print(f"  alerts_deliver: {spread(times)}")


def bench_webhooks(args) -> None:
    from django.db import transaction

    from stations import events
    from stations.models import Station
    from tenants.services import tenant_create
    from webhooks import dispatch, payloads, services, subscriptions
    from webhooks.crypto import secret_encrypt, secret_new
    from webhooks.models import WebhookEndpoint, WebhookEvent

    run = secrets.token_hex(3)
    subscribed = tenant_create(slug=f"hooks-{run}", name="Hooks")
    nobody = tenant_create(slug=f"nohooks-{run}", name="No hooks")
    WebhookEndpoint.objects.create(tenant=subscribed, url="https://receiver.example.com/hooks",
                                   event_types=["station.status_changed"],
                                   secret_encrypted=secret_encrypt(secret_new()))
    station = Station.objects.create(tenant=subscribed, identity="HOOK-1", password_hash="!",
                                     ocpp_version="1.6")
    quiet = Station.objects.create(tenant=nobody, identity="QUIET-1", password_hash="!",
                                   ocpp_version="1.6")
    data = payloads.station_status_changed(station, connector_id=1, evse_id=None, status="Charging")
    queued = []
    dispatch.deliveries_dispatch = queued.extend  # count, send nothing

    def emit_all():
        for _ in range(args.events):
            with transaction.atomic():
                services.webhook_emit(tenant_id=subscribed.pk, type="station.status_changed",
                                      data=data, station_id=station.pk)

    @transaction.atomic
    def emit_in_one():  # the marginal cost inside a caller's transaction: no commit of its own
        for _ in range(args.events):
            services.webhook_emit(tenant_id=subscribed.pk, type="station.status_changed",
                                  data=data, station_id=station.pk)

    emitting, sharing, cpu = [], [], {"each": [], "one": []}
    for _ in range(args.runs):
        for values, call, name in ((emitting, emit_all, "each"), (sharing, emit_in_one, "one")):
            began = time.process_time()
            values.append(timed(call)[0])
            cpu[name].append(time.process_time() - began)
    written = WebhookEvent.objects.filter(tenant=subscribed).count()
    assert len(queued) == 2 * args.events * args.runs == written
    print(f"webhook_emit, one subscribed endpoint, {args.events:,} events a run, {args.runs} runs:")
    for label, values in (("a transaction (commit) each:", emitting), ("all in one transaction:", sharing)):
        print(f"  {label:30} {spread([args.events / t for t in values], unit='events/s', digits=0)}; "
              f"{spread([t / args.events for t in values], 1000, 'ms per event')}")
    print(f"  this process' CPU per event: {statistics.median(cpu['each']) / args.events * 1000:.2f} ms "
          f"(a transaction each), {statistics.median(cpu['one']) / args.events * 1000:.2f} ms (one)")

    def types_all():
        for _ in range(1_000):
            services.webhook_types_of(nobody.pk)

    filling = [timed(types_all)[0] / 1_000 for _ in range(args.runs)]
    wanted, subscriber, empty = [], [], []
    event = events.StatusChanged(station=quiet, connector_id=1, evse_id=None, status="Charging")
    calls = range(args.calls)
    for _ in range(args.runs):
        services.webhook_types_of(nobody.pk)  # the cache filled: 5 s to live
        empty.append(timed(lambda: [None for _ in calls])[0] / args.calls)
        wanted.append(timed(lambda: [services.webhook_wanted(nobody.pk, "station.status_changed")
                                     for _ in calls])[0] / args.calls)
        services.webhook_types_of(nobody.pk)
        subscriber.append(timed(lambda: [subscriptions.on_status_changed(event)
                                         for _ in calls])[0] / args.calls)
        assert services.webhook_wanted(nobody.pk, "station.status_changed") is False
    print(f"nobody subscribed ({args.calls:,} calls a run, {args.runs} runs; the bare loop takes "
          f"{statistics.median(empty) * 1e9:.0f} ns a call and is included):")
    print(f"  webhook_wanted (warm cache): {spread(wanted, 1e9, 'ns per call', 0)}")
    print(f"  the StatusChanged subscriber: {spread(subscriber, 1e9, 'ns per call', 0)}")
    print(f"  webhook_types_of (cache miss, one query): {spread(filling, 1e6, 'µs per call', 0)}")


def bench_audit(args) -> None:
    from django.conf import settings
    from django.db import transaction
    from django.test import override_settings
    from rest_framework.test import APIClient

    from audit.context import audit_context
    from audit.models import AuditEntry
    from stations.models import Station
    from stations.services.stations import station_update
    from tenants.services import api_token_create, tenant_create

    tenant = tenant_create(slug=f"audit-{secrets.token_hex(3)}", name="Audited")
    station = Station.objects.create(tenant=tenant, identity="AUD-1", password_hash="!", ocpp_version="1.6")
    token, key = api_token_create(tenant=tenant, name="bench")
    names = iter(range(10**9))
    path = f"/api/v1/stations/{station.identity}/"

    def client_of(middleware) -> APIClient:
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
        with override_settings(MIDDLEWARE=middleware):  # its handler keeps the chain loaded now
            assert client.patch(path, {"name": "warm"}, format="json").status_code == 200
        return client

    audited = client_of(settings.MIDDLEWARE)
    plain = client_of([m for m in settings.MIDDLEWARE if m != "audit.middleware.AuditMiddleware"])

    def api_write(client) -> float:
        began = time.perf_counter()
        answer = client.patch(path, {"name": f"Bay {next(names)}"}, format="json")
        elapsed = time.perf_counter() - began
        assert answer.status_code == 200, answer.content
        return elapsed

    def service_write(context: bool) -> float:
        began = time.perf_counter()
        with transaction.atomic():
            if context:
                with audit_context(actor=token, via="api", tenant=tenant):
                    station_update(station=station, name=f"Bay {next(names)}")
            else:
                station_update(station=station, name=f"Bay {next(names)}")
        return time.perf_counter() - began

    for _ in range(20):  # warm up
        api_write(audited), api_write(plain), service_write(True), service_write(False)
    before = AuditEntry.objects.count()
    runs = {"API, audited": [], "API, no audit middleware": [], "service in audit_context": [],
            "service, no context": []}
    for _ in range(args.runs):  # each write alternates with its twin: both share the machine's load
        per_write = {name: [] for name in runs}
        for _ in range(args.writes):
            per_write["API, audited"].append(api_write(audited))
            per_write["API, no audit middleware"].append(api_write(plain))
            per_write["service in audit_context"].append(service_write(True))
            per_write["service, no context"].append(service_write(False))
        for name, values in per_write.items():
            runs[name].append(statistics.median(values))
    written = AuditEntry.objects.count() - before
    assert written == 2 * args.writes * args.runs, written  # one per audited write, none otherwise
    med = {name: statistics.median(values) * 1000 for name, values in runs.items()}
    print(f"audit: a station's name changed, {args.writes} writes of each kind per run, alternating, "
          f"{args.runs} runs; per run the median write ({written:,} entries written):")
    for name, values in runs.items():
        print(f"  {name:26} {spread(values, 1000, 'ms per write', 3)}")
    print(f"  overhead: {med['API, audited'] - med['API, no audit middleware']:.3f} ms per API write, "
          f"{med['service in audit_context'] - med['service, no context']:.3f} ms per service write")


def main(argv=None) -> None:
    args = parse_args(argv)
    name, admin_url = scratch_database()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cpms.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import setup_test_environment

    setup_test_environment(debug=False)  # locmem e-mail, the test client's host allowed, no query log
    try:
        call_command("migrate", verbosity=0)
        print(f"database: {connection.vendor}; sections: {', '.join(args.sections)}")
        if {"sweep", "delivery"} & set(args.sections):
            elapsed, fleet = timed(lambda: Fleet(args))
            print(f"inserted {args.stations:,} stations over {args.tenants} tenants in {elapsed:.1f} s")
            if "sweep" in args.sections:
                bench_sweep(args, fleet)
            if "delivery" in args.sections:
                bench_delivery(args, fleet)
        if "webhooks" in args.sections:
            bench_webhooks(args)
        if "audit" in args.sections:
            bench_audit(args)
    finally:
        if name and not args.keep:
            drop_database(name, admin_url)
        elif name:
            print(f"kept database {name}")


if __name__ == "__main__":
    main()
