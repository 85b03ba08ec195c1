"""The database itself refuses to change an audit entry (docs/audit.md): a trigger on UPDATE,
on PostgreSQL and on the embedded SQLite alike. Deleting stays possible: retention
(audit/tasks.py) and a deleted tenant's rows."""

from django.db import migrations

TABLE = "audit_auditentry"
MESSAGE = "audit entries are never changed"

CREATE = {
    "postgresql": [
        f"""CREATE OR REPLACE FUNCTION audit_entry_refuse_update() RETURNS trigger AS $$
            BEGIN RAISE EXCEPTION '{MESSAGE}'; END; $$ LANGUAGE plpgsql""",
        f"""CREATE TRIGGER audit_entry_no_update BEFORE UPDATE ON {TABLE}
            FOR EACH ROW EXECUTE FUNCTION audit_entry_refuse_update()""",
    ],
    "sqlite": [
        f"""CREATE TRIGGER audit_entry_no_update BEFORE UPDATE ON {TABLE}
            BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
    ],
}
DROP = {
    "postgresql": [f"DROP TRIGGER IF EXISTS audit_entry_no_update ON {TABLE}",
                   "DROP FUNCTION IF EXISTS audit_entry_refuse_update()"],
    "sqlite": ["DROP TRIGGER IF EXISTS audit_entry_no_update"],
}


def _run(statements: dict):
    def run(apps, schema_editor):
        for statement in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)
    return run


class Migration(migrations.Migration):

    dependencies = [
        ("audit", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(_run(CREATE), _run(DROP)),
    ]
