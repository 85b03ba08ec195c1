from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from tenants.services import tenant_create


class Command(BaseCommand):
    help = "Create a tenant (an operator)."

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument("--name", required=True)
        parser.add_argument("--timezone", default="UTC", help="IANA name, e.g. Europe/Berlin")

    def handle(self, *args, slug, name, timezone, **options):
        try:
            tenant = tenant_create(slug=slug, name=name, timezone_name=timezone)
        except ValidationError as exc:
            problems = "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())
            raise CommandError(problems) from None
        self.stdout.write(f"Created tenant {tenant.slug} ({tenant.name})")
