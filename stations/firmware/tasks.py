from celery import shared_task

from stations.firmware.services.firmware import rollout_send


@shared_task
def rollout_send_task(rollout_id: int) -> int:
    """Send a rollout's pending jobs to its connected stations (only pending jobs are sent, so a
    redelivery is harmless)."""
    return rollout_send(rollout_id=rollout_id)
