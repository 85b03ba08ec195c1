"""The sessions list's default sort (cpms/listing.py: newest first, NULLs last) read from an index:
a page of 50 instead of sorting 100,000 sessions (bench/pages.py: 0.6 s -> milliseconds).
PostgreSQL only: SQLite refuses NULLS LAST in an index (and its tenants are small)."""

from django.db import migrations

CREATE = ('CREATE INDEX IF NOT EXISTS "session_newest_first" ON "stations_chargingsession" '
          '("tenant_id", "started_at" DESC NULLS LAST, "id" DESC)')
DROP = 'DROP INDEX IF EXISTS "session_newest_first"'


def _on_postgresql(sql: str):
    def run(apps, schema_editor) -> None:
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)
    return run


class Migration(migrations.Migration):

    dependencies = [
        ("stations", "0019_sites_removal_connections"),
    ]

    operations = [
        migrations.RunPython(_on_postgresql(CREATE), _on_postgresql(DROP)),
    ]
