"""Admission: whether the central system serves a station that boots (docs/ocpp201.md,
"Admission"). The same rule for OCPP 1.6 and 2.0.1, whose BootNotification both answer
Accepted, Pending or Rejected.

- Accepted: served as usual.
- Pending: held until an operator accepts it. Its boot is answered Pending with the retry
  interval (OCPP_PENDING_RETRY_SECONDS); any other CALL of its gets a CALLERROR SecurityError
  (2.0.1 B02/B_30; 1.6 in the same spirit), except a message the backend asked for with a
  TriggerMessage; the backend sends it only what provisions it (reads and writes its settings,
  its certificates, a trigger, a reset), refusing the rest with the reason.
- Rejected: its boot is answered Rejected with the retry interval; nothing else is served and
  nothing is sent to it.

A tenant may hold every station created through the API or the dashboard Pending
(`Tenant.new_stations_pending`). Accepting a Pending station asks it to boot again at once with a
TriggerMessage(BootNotification) (2.0.1 B_31): `station_admission_set`
(stations/services/stations.py) has `stations.tasks.station_admission_changed` send it after the
change commits.
"""

from django.conf import settings

ACCEPTED, PENDING, REJECTED = "Accepted", "Pending", "Rejected"
ADMISSIONS = (ACCEPTED, PENDING, REJECTED)
BOOT = "BootNotification"
MEMO = "admission"  # the link's memo of it (stations/ocpp/link.py): {"state", "triggered"}

# What the backend may send a Pending station, per OCPP version: what provisions it.
PROVISIONING = {
    "2.0.1": frozenset({
        "GetVariables", "SetVariables", "GetBaseReport", "GetReport", "TriggerMessage",
        "SetNetworkProfile", "CertificateSigned", "InstallCertificate",
        "GetInstalledCertificateIds", "DeleteCertificate", "Reset",
    }),
    "1.6": frozenset({
        "GetConfiguration", "ChangeConfiguration", "TriggerMessage", "ExtendedTriggerMessage",
        "Reset", "CertificateSigned", "InstallCertificate", "GetInstalledCertificateIds",
        "DeleteCertificate",
    }),
}


def retry_interval() -> int:
    """Seconds a Pending or Rejected station waits before it boots again."""
    return settings.OCPP_PENDING_RETRY_SECONDS


def boot_answer(admission: str) -> tuple[str, int]:
    """The status and interval of the answer to a BootNotification."""
    if admission == ACCEPTED:
        return ACCEPTED, settings.OCPP_HEARTBEAT_INTERVAL
    return (REJECTED if admission == REJECTED else PENDING), retry_interval()


def station_message_served(admission: str, action: str, *, triggered: frozenset | set = frozenset()
                           ) -> bool:
    """Whether a station in `admission` is served its CALL `action`: an Accepted one always,
    else its BootNotification, and for a Pending one what the backend triggered."""
    if admission == ACCEPTED or action == BOOT:
        return True
    return admission == PENDING and action in triggered


def triggered_action(requested_message: str) -> str:
    """The CALL a TriggerMessage's requestedMessage makes the station send (1.6's
    SignChargePointCertificate and 2.0.1's Sign...Certificate all send SignCertificate)."""
    return "SignCertificate" if requested_message.startswith("Sign") else requested_message


def command_refusal(*, admission: str, version: str, action: str) -> str | None:
    """Why the backend may not send `action` to a station in `admission`, or None."""
    if admission == ACCEPTED:
        return None
    if admission == REJECTED:
        return "The station is Rejected: nothing is sent to it."
    if action in PROVISIONING.get(version or "1.6", PROVISIONING["1.6"]):
        return None
    return (f"The station is Pending: only what provisions it may be sent until an operator "
            f"accepts it, not {action}.")


def initial_admission(tenant) -> str:
    """The admission of a station the operator creates."""
    return PENDING if tenant.new_stations_pending else ACCEPTED
