from celery import shared_task

from stations.firmware.services.firmware import rollout_send
from stations.firmware.services.stalls import jobs_fail_stalled


@shared_task
def rollout_send_task(rollout_id: int) -> int:
    """Send a rollout's pending jobs to its connected stations (only pending jobs are sent, so a
    redelivery is harmless)."""
    return rollout_send(rollout_id=rollout_id)


@shared_task
def fail_stalled_jobs() -> int:
    """Periodic (CELERY_BEAT_SCHEDULE, or the embedded beat): jobs the stations went silent on
    end as failed; a conditional UPDATE, so beats that overlap fail nothing twice."""
    return jobs_fail_stalled()
