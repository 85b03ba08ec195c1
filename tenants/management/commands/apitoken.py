from django.core.management.base import BaseCommand, CommandError

from tenants.models import Role, Tenant
from tenants.services import api_token_create


class Command(BaseCommand):
    help = "Create an API token for a tenant; the key is printed alone on the last line."

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument("--name", default="")
        parser.add_argument("--role", default=Role.MANAGER, choices=Role.values,
                            help="manager (default): everything; accountant: reads everything, "
                                 "writes money only; installer: stations only, no money")

    def handle(self, *args, slug, name, role, **options):
        tenant = Tenant.objects.filter(slug=slug).first()
        if tenant is None:
            raise CommandError(f"No tenant {slug!r}")
        token, key = api_token_create(tenant=tenant, name=name, role=role)
        self.stdout.write(f"API token {token.prefix}… ({token.role}) for {tenant.slug} (shown once):")
        self.stdout.write(key)
