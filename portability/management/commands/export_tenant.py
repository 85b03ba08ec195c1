"""`manage.py export_tenant <slug> <file>`: the tenant's export archive (docs/portability.md),
written as it is made (constant memory); `-` writes it to standard output."""

import sys

from django.core.management.base import BaseCommand, CommandError

from portability.export import export_archive
from tenants.models import Tenant


class Command(BaseCommand):
    help = "Write a tenant's full export archive (zip of JSON Lines, see docs/portability.md)."

    def add_arguments(self, parser):
        parser.add_argument("slug", help="The tenant's slug")
        parser.add_argument("file", help="Where to write the archive (.zip); - for standard output")

    def handle(self, *args, slug: str, file: str, **options):
        tenant = Tenant.objects.filter(slug=slug).first()
        if tenant is None:
            raise CommandError(f"No tenant {slug!r}.")
        size = 0
        target = sys.stdout.buffer if file == "-" else open(file, "wb")  # noqa: SIM115
        try:
            for chunk in export_archive(tenant=tenant):
                target.write(chunk)
                size += len(chunk)
        finally:
            if target is not sys.stdout.buffer:
                target.close()
        if file != "-":
            self.stdout.write(f"Exported {tenant.slug} to {file} ({size} bytes).")
