"""The reports' periodic work (CELERY_BEAT_SCHEDULE "rollup-reports", or the embedded beat):
close the connection periods of dead server processes, then compute yesterday's and today's
rollups (docs/reports.md, "Rollups")."""

import logging

from celery import shared_task

from reports import services
from stations.connection_history import periods_of_dead_processes_close

log = logging.getLogger(__name__)


@shared_task(name="reports.tasks.rollup_recent", ignore_result=True)
def rollup_recent() -> None:
    """Named as its beat entry's dotted path: the embedded beat imports it by that path."""
    closed = periods_of_dead_processes_close()
    if closed:
        log.info("Closed %d connection periods of server processes that stopped", closed)
    services.rollup_recent()
