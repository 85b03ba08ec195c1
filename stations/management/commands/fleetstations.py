from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from stations.models import IdTag, Station
from tenants.models import Tenant
from tenants.secrets import hash_password, new_station_password


class Command(BaseCommand):
    help = ("Register N stations '<prefix>-00000'… sharing one password (for the fleet "
            "simulator); prints the password alone on the last line.")

    def add_arguments(self, parser):
        parser.add_argument("tenant")
        parser.add_argument("--count", type=int, required=True)
        parser.add_argument("--prefix", default="FLEET")
        parser.add_argument("--id-tag", default="FLEET-TAG")
        parser.add_argument("--reset", action="store_true",
                            help="delete the prefix's stations (and their data) first")

    def handle(self, *args, tenant, count, prefix, id_tag, reset, **options):
        owner = Tenant.objects.filter(slug=tenant).first()
        if owner is None:
            raise CommandError(f"No tenant {tenant!r}")
        password = new_station_password()
        with transaction.atomic():
            fleet = Station.objects.filter(tenant=owner, identity__startswith=f"{prefix}-")
            if reset:
                fleet.delete()
            identities = [f"{prefix}-{n:05d}" for n in range(count)]
            Station.objects.bulk_create(
                [Station(tenant=owner, identity=i, password_hash=hash_password(password))
                 for i in identities], batch_size=2000, ignore_conflicts=True)
            Station.objects.filter(tenant=owner, identity__in=identities).update(enabled=True)
            Station.objects.bulk_update(
                list(_with_password(owner, identities, password)), ["password_hash"],
                batch_size=2000)
            # The fleet's one card stands for its drivers' many: it may run any number of
            # sessions at once (with the tenant's default of one, every session but the first
            # was refused ConcurrentTx, and the fleet measured no running sessions).
            IdTag.objects.update_or_create(tenant=owner, id_tag=id_tag,
                                           defaults={"max_sessions": 0})
        self.stdout.write(f"{count} stations {prefix}-00000… in {owner.slug}; password:")
        self.stdout.write(password)


def _with_password(tenant, identities, password):
    for station in Station.objects.filter(tenant=tenant, identity__in=identities).only("pk"):
        station.password_hash = hash_password(password)
        yield station
