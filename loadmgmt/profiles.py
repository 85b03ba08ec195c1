"""The charging profiles the load manager sends (docs/smart-charging.md §1
and §4).

A TxProfile holds a running transaction to its share; a TxDefaultProfile on connector 0 is what
a new session starts with and what a station keeps to if it loses the link (the failsafe). Both
are Relative (to the transaction's start), so a station's clock does not matter, and have fixed
ids, so each replaces the one before. Limits go in amperes per phase unless the station takes
only watts (ChargingScheduleAllowedChargingRateUnit = Power)."""

from decimal import Decimal

from django.conf import settings

from stations.smartcharging.models import Purpose


def tx_profile(*, connector_id: int, transaction_id: int | str, limit: Decimal, phases: int,
               voltage: int, rate_units: str) -> dict:
    """`transaction_id`: our integer for a 1.6 session, the station's string for a 2.0.1 one
    (the 2.0.1 translator words the rest: docs/smart-charging.md §5)."""
    return _profile(settings.LOAD_PROFILE_ID + connector_id, Purpose.TX, limit, phases, voltage,
                    rate_units) | {"transactionId": transaction_id}


def failsafe_profile(*, limit: Decimal, phases: int, voltage: int, rate_units: str) -> dict:
    return _profile(settings.LOAD_PROFILE_ID, Purpose.TX_DEFAULT, limit, phases, voltage, rate_units)


def _profile(profile_id: int, purpose: str, limit: Decimal, phases: int, voltage: int,
             rate_units: str) -> dict:
    unit, value = rate(limit, phases, voltage, rate_units)
    return {
        "chargingProfileId": profile_id,
        "stackLevel": settings.LOAD_STACK_LEVEL,
        "chargingProfilePurpose": purpose,
        "chargingProfileKind": "Relative",
        "chargingSchedule": {
            "chargingRateUnit": unit,
            "chargingSchedulePeriod": [{"startPeriod": 0, "limit": float(value),
                                        "numberPhases": phases}],
        },
    }


def rate(limit: Decimal, phases: int, voltage: int, rate_units: str) -> tuple[str, Decimal]:
    """("A", amperes per phase), or ("W", total watts) for a station that takes watts only."""
    if rate_units.strip().lower() == "power":
        return "W", (limit * voltage * phases).quantize(Decimal("0.1"))
    return "A", limit
