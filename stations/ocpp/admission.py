"""Admission on the station link (the rule: stations/services/admission.py; docs/ocpp201.md,
"Admission"): what the link knows of its station's admission, and the gate every station CALL
passes before the apps see it.

The handshake reads the admission with the station; an operator's change reaches the link as a
memo (stations/services/admission_follow_up.py), and a boot of a station the link holds Pending
or Rejected reads it again, so an accepted station is served from its next boot. A Pending
station's other CALLs are refused with SecurityError, except those the backend triggered on this
link (noted as the TriggerMessage goes out)."""

from stations.models import Station
from stations.ocpp.dbthreads import db
from stations.ocpp.errors import SecurityError
from stations.ocpp.frames import Call
from stations.ocpp.link import Link
from stations.services import admission

TRIGGERS = ("TriggerMessage", "ExtendedTriggerMessage")


def link_admission(link: Link) -> str:
    """The station's admission as the link knows it."""
    return link.memo_of(admission.MEMO).get("state", link.station.admission)


def _station_admission(station_id: int) -> str:
    return (Station.objects.filter(pk=station_id).values_list("admission", flat=True).first()
            or admission.REJECTED)


async def admitted(link: Link, action: str) -> bool:
    """Whether the station is Accepted (the apps' reactions to its CALL run); raise
    SecurityError for a CALL its admission does not serve."""
    memo = link.memo_of(admission.MEMO)
    state = link_admission(link)
    if action == admission.BOOT and state != admission.ACCEPTED:
        state = memo["state"] = await db(_station_admission, link.station.pk)
    if not admission.station_message_served(state, action, triggered=memo.get("triggered", set())):
        raise SecurityError(f"The station is {state}: only its BootNotification is served until "
                            f"it is accepted")
    return state == admission.ACCEPTED


# What a provisioning CALL of ours has a station send back as CALLs of its own: a report we ask a
# Pending station for arrives in NotifyReport parts (2.0.1 B02: GetBaseReport while Pending).
REPORTED_BY = {"GetBaseReport": "NotifyReport", "GetReport": "NotifyReport"}


def note_sent(link: Link, call: Call) -> None:
    """A trigger that goes out to a station not yet accepted allows the message it asks for; a
    report request, the report's parts."""
    if link_admission(link) == admission.ACCEPTED:
        return
    if call.action in TRIGGERS:
        requested = call.payload.get("requestedMessage", "")
        link.memo_of(admission.MEMO).setdefault("triggered", set()).add(
            admission.triggered_action(requested))
    elif call.action in REPORTED_BY:
        link.memo_of(admission.MEMO).setdefault("triggered", set()).add(REPORTED_BY[call.action])
