"""Alerts' periodic work (CELERY_BEAT_SCHEDULE, or the embedded beat): evaluate the conditions,
then tell people. A check that fails is logged and the others still run."""

import importlib
import logging

from celery import shared_task
from django.utils import timezone

from alerts.conditions import CHECKS

log = logging.getLogger(__name__)


@shared_task(name="alerts.tasks.evaluate_alerts", ignore_result=True)
def evaluate_alerts() -> None:
    now = timezone.now()
    for name in CHECKS:
        try:
            importlib.import_module(name).check(now)
        except ModuleNotFoundError as missing:
            if missing.name != name:
                raise
        except Exception:
            log.exception("Alert check %s failed", name)


@shared_task(name="alerts.tasks.deliver_alerts", ignore_result=True)
def deliver_alerts() -> None:
    from alerts.delivery import alerts_deliver  # noqa: PLC0415  (written by the delivery work)

    alerts_deliver(now=timezone.now())
