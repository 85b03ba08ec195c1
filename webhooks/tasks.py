"""Webhook delivery tasks: `deliver` (one delivery, queued when its event commits, by
webhooks/dispatch.py) and `deliver_due` (beat, every WEBHOOK_SWEEP_INTERVAL s: retries whose
time came, deliveries whose task was lost). A task takes an id and calls one service; the claim
makes a redelivered or overlapping task harmless (docs/webhooks.md)."""

from celery import shared_task

from webhooks import dispatch, selectors, services


@shared_task
def deliver(delivery_id: int) -> str | None:
    return services.delivery_attempt(delivery_id=delivery_id)


@shared_task
def deliver_due() -> int:
    due = selectors.deliveries_due()
    dispatch.deliveries_dispatch(due)
    return len(due)
