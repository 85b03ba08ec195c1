from celery import shared_task

from stations.reservations.services import reservations_expire


@shared_task
def expire_reservations() -> int:
    """Beat: accepted or pending reservations past their expiry become Expired (idempotent)."""
    return reservations_expire()
