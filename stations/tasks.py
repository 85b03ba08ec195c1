from celery import shared_task

from stations.services.message_log import messages_purge


@shared_task
def purge_ocpp_messages() -> int:
    return messages_purge()
