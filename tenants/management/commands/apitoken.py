from django.core.management.base import BaseCommand, CommandError

from tenants.models import Tenant
from tenants.services import api_token_create


class Command(BaseCommand):
    help = "Create an API token for a tenant; the key is printed alone on the last line."

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument("--name", default="")

    def handle(self, *args, slug, name, **options):
        tenant = Tenant.objects.filter(slug=slug).first()
        if tenant is None:
            raise CommandError(f"No tenant {slug!r}")
        token, key = api_token_create(tenant=tenant, name=name)
        self.stdout.write(f"API token {token.prefix}… for {tenant.slug} (shown once):")
        self.stdout.write(key)
