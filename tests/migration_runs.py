"""What the migration tests share: each runs its program (`python -m tests.<module>`) in a process
of its own whose default database is a fresh one, because data migrations write to the default
database; the program takes that database to the schema before a change, writes rows with the
historical models, migrates on and prints what it finds as JSON. (A process of its own because
data migrations use the default database, as Django's own examples do: on a second alias in the
test process they would write to the wrong one.)"""

import json
import os
import secrets
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ADMIN_URL = os.environ.get("CPMS_TEST_ADMIN_URL")  # the server the suite's own database is on


def program_output(module: str, env: dict) -> dict:
    """Run `python -m <module>` with `env` over the suite's environment; its JSON output."""
    result = subprocess.run([sys.executable, "-m", module], cwd=ROOT, env=os.environ | env,
                            capture_output=True, text=True, timeout=180)
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout)


def fresh_sqlite(path: Path) -> dict:
    return {"DATABASE_URL": "", "SQLITE_PATH": str(path)}


@contextmanager
def fresh_postgresql(prefix: str) -> Iterator[dict]:
    """The environment of a PostgreSQL database of its own, dropped afterwards."""
    import psycopg

    name = f"{prefix}_{secrets.token_hex(4)}"
    with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        base, _, _ = ADMIN_URL.rpartition("/")
        yield {"DATABASE_URL": f"{base}/{name}"}
    finally:
        with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# In the program's process ------------------------------------------------------------------

def migration_steps(before: dict[str, str | None]) -> tuple:
    """Set Django up; (a new executor, the targets before the change, the latest targets).
    `before` names each changed app's last migration before it (None: the app did not exist yet);
    other apps stay at their latest."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cpms.settings")
    import django

    django.setup()
    executor = new_executor()
    graph = executor.loader.graph
    latest = graph.leaf_nodes()
    return executor, [(app, before[app] if app in before else _latest_without(graph, app, before))
                      for app, _ in latest], latest


def _latest_without(graph, app: str, before: dict[str, str | None]) -> str | None:
    """`app`'s last migration that needs none of the migrations `before` leaves out (an app
    born later, or grown on them, steps back with them); None: not even its first."""
    def kept(node) -> bool:
        target = before.get(node[0], "")
        if target == "":
            return True
        return target is not None and node in graph.forwards_plan((node[0], target))

    own = [node for node in graph.forwards_plan(_leaf(graph, app)) if node[0] == app]
    fitting = [node for node in own if all(kept(n) for n in graph.forwards_plan(node))]
    return fitting[-1][1] if fitting else None


def _leaf(graph, app: str) -> tuple[str, str]:
    return next(node for node in graph.leaf_nodes() if node[0] == app)


def new_executor():
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    return MigrationExecutor(connection)


def migrated(executor, targets):
    """Migrate to `targets`; the historical models there."""
    executor.loader.build_graph()
    executor.migrate(targets)
    executor.loader.build_graph()
    # (app, None): an app born after the change, not migrated yet: no state of its own
    return executor.loader.project_state([t for t in targets if t[1] is not None]).apps
