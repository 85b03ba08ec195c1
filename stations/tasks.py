from celery import shared_task

from stations.services.message_log import messages_purge
from stations.services.session_lifecycle import sessions_close_orphans


@shared_task
def purge_ocpp_messages() -> int:
    return messages_purge()


@shared_task
def close_orphan_sessions() -> dict[str, int]:
    """Beat: close the sessions their stations will never stop (docs/sessions.md). Each closing
    is conditional on the session still being open, so a redelivery closes nothing twice."""
    return sessions_close_orphans()
