from celery import shared_task

from billing.services.session_prices import session_price_final, sessions_price_due


@shared_task
def price_session_task(session_id: int) -> str | None:
    """Price a stopped session. A final price is kept as it is, so a redelivery is harmless."""
    record = session_price_final(session_id=session_id)
    return None if record is None else str(record.gross)


@shared_task
def price_sessions_due() -> int:
    """Beat: price the stopped sessions without a final price (a lost task, a car that stayed
    plugged in after its stop)."""
    return sessions_price_due()
