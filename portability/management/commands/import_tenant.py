"""`manage.py import_tenant <file> --slug new [--name "..."]`: an export archive into a new (or
empty) tenant, in one transaction (docs/portability.md, "Import")."""

from django.core.management.base import BaseCommand, CommandError

from portability.importer import ArchiveRefused, import_archive


class Command(BaseCommand):
    help = "Import a tenant export archive into a new or empty tenant (docs/portability.md)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="The export archive (.zip)")
        parser.add_argument("--slug", required=True, help="The new tenant's slug")
        parser.add_argument("--name", help="The new tenant's name (default: the archive's)")

    def handle(self, *args, file: str, slug: str, name: str | None, **options):
        try:
            report = import_archive(source=file, slug=slug, name=name)
        except ArchiveRefused as refused:
            raise CommandError(str(refused)) from refused
        self.stdout.write(f"Imported into tenant {report.tenant.slug} ({report.tenant.name}).")
        for table, rows in report.rows.items():
            if rows:
                self.stdout.write(f"  {table}: {rows}")
        for table, rows in report.skipped.items():
            self.stdout.write(f"  {table}: {rows} skipped (a row they need was not in the archive)")
        if report.users_missing:
            self.stdout.write("Users not on this installation (invite them, then add them to the tenant): "
                              + ", ".join(sorted(report.users_missing)))
        if report.new_webhook_secrets:
            self.stdout.write(f"{report.new_webhook_secrets} webhook endpoint(s) got a new secret: rotate "
                              "it in the dashboard to see it and give it to the receiver.")
        self.stdout.write("API tokens are not moved: issue new ones.")
