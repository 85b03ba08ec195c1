import os

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from billing.invoices.services import seller_update
from billing.models import Customer, Seller, Tariff
from billing.services import tariff_create
from loadmgmt.models import LoadGroup
from loadmgmt.selectors import group_id_of
from loadmgmt.services import station_group_set
from stations.models import IdTag, Station
from stations.selectors import ocpp_base_url
from stations.services.stations import station_create, station_set_password
from tenants.models import Membership, Role, Tenant
from tenants.secrets import new_station_password
from tenants.services import api_token_create

TENANT, STATION, STATION_201, TAG = "demo", "DEMO-CP1", "DEMO-CP2", "DEMO-TAG-1"


class Command(BaseCommand):
    help = ("Create (or refresh) the demo tenant with two stations (one to simulate in OCPP 1.6, "
            "one in OCPP 2.0.1) in a load group, an id tag of a customer, a default tariff, an "
            "API token and an admin user, and print their credentials.")

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("DEMO_HOST", "localhost:8000"))

    def handle(self, *args, host, **options):
        tenant, _ = Tenant.objects.get_or_create(slug=TENANT, defaults={"name": "Demo operator"})
        station, password = self.station(tenant, STATION, "Demo charger")
        station_201, password_201 = self.station(tenant, STATION_201, "Demo charger (OCPP 2.0.1)")
        customer, _ = Customer.objects.get_or_create(
            tenant=tenant, name="Demo Fleet GmbH",
            defaults={"address": "Hauptstraße 1\n10115 Berlin", "email": "fleet@example.com"})
        if not Seller.objects.filter(tenant=tenant).exists():  # invoices need these (docs/invoicing.md)
            seller_update(tenant=tenant, legal_name="Demo Operator GmbH", vat_id="DE000000000",
                          address="Musterweg 2\n10115 Berlin", email="billing@example.com",
                          default_vat_rate="19")
        IdTag.objects.get_or_create(tenant=tenant, id_tag=TAG,
                                    defaults={"name": "Demo driver", "customer": customer})
        if not Tariff.objects.filter(tenant=tenant, is_default=True).exists():
            tariff_create(tenant=tenant, name="Standard", currency="EUR", vat_rate="19",
                          idle_grace_minutes=15, is_default=True, elements=[{"price_components": [
                              {"type": "ENERGY", "price": "0.35", "step_size": 1},
                              {"type": "PARKING_TIME", "price": "6.00", "step_size": 1}]}])
        group, created = LoadGroup.objects.get_or_create(
            tenant=tenant, name="Demo car park", defaults={"max_current": 32})
        for member in (station, station_201):
            if created or group_id_of(station_id=member.pk) is None:
                station_group_set(station=member, group=group)
        _, key = api_token_create(tenant=tenant, name="demo")
        admin_password = new_station_password()
        user, _ = get_user_model().objects.get_or_create(username="admin")
        user.is_staff = user.is_superuser = True
        user.set_password(admin_password)
        user.save()
        Membership.objects.get_or_create(user=user, tenant=tenant,
                                         defaults={"role": Role.MANAGER})
        base = ocpp_base_url(host=host)  # OCPP_PUBLIC_URL, else the address served on
        url = f"{base}/ocpp/{TENANT}/{STATION}"
        simulate = ".venv/bin/python manage.py simulate"
        self.stdout.write(f"""
Demo tenant '{TENANT}' is ready.
  Station OCPP URL : {url}
  Basic auth       : user {STATION}  password {password}
  2.0.1 station    : {base}/ocpp/{TENANT}/{STATION_201}
  Basic auth       : user {STATION_201}  password {password_201}
  Id tag           : {TAG}
  API token        : {key}
  Dashboard/admin  : http://{host}/   user admin  password {admin_password}

Run a demo session from another terminal (OCPP 1.6, then OCPP 2.0.1):
  {simulate} {base}/ocpp/{TENANT} --identity {STATION} --password={password}
  {simulate} --ocpp 2.0.1 {base}/ocpp/{TENANT} --identity {STATION_201} --password={password_201}
Then see it:
  curl -H "Authorization: Token {key}" http://{host}/api/v1/sessions/
""")

    @staticmethod
    def station(tenant, identity: str, name: str) -> tuple[Station, str]:
        """The demo station and a password to show (they are stored hashed: a station that
        exists gets a new one, the only one we can show)."""
        station = Station.objects.filter(tenant=tenant, identity=identity).first()
        if station is None:
            return station_create(tenant=tenant, identity=identity, name=name)
        return station, station_set_password(station=station)
