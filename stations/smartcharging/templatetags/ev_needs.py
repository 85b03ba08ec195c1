"""ISO 15118 charging needs on the dashboard (docs/smart-charging.md §7): on the station page, what
each running session's car asked (departure, energy, delivered so far, still needed) and its last
schedule; on the session page, the same for that session. Read-only: the cars tell them."""

from django import template

from stations.models import ChargingSession, Station
from stations.services.session_lifecycle import running_sessions
from stations.smartcharging.ev_needs import energy_still_needed, latest_needs_of

register = template.Library()


def _row(session: ChargingSession, needs) -> dict:
    schedule = session.ev_schedules.order_by("-received_at", "-id").first()
    return {"session": session, "needs": needs, "delivered": session.energy_wh,
            "still": energy_still_needed(needs, session), "schedule": schedule}


@register.inclusion_tag("stations/_ev_needs.html")
def station_ev_needs(station: Station) -> dict:
    sessions = {s.pk: s for s in running_sessions().filter(station=station)}
    needs = latest_needs_of(session_ids=list(sessions))
    rows = [_row(sessions[pk], n) for pk, n in sorted(needs.items(), key=lambda i: i[1].evse_id)]
    return {"station": station, "rows": rows, "shown": bool(rows)}


@register.inclusion_tag("stations/_ev_needs.html")
def session_ev_needs(session: ChargingSession) -> dict:
    needs = latest_needs_of(session_ids=[session.pk]).get(session.pk)
    rows = [_row(session, needs)] if needs else []
    return {"station": session.station, "rows": rows, "shown": bool(rows), "one_session": True}
