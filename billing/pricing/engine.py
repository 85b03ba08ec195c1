"""Pricing one session: cut its timeline wherever the component in force can change, find what
applies in each piece, add up (docs/pricing.md §2)."""

import math
from collections.abc import Mapping
from datetime import datetime, timedelta
from fractions import Fraction
from zoneinfo import ZoneInfo

from billing.pricing.bill import Price, Usage, make_price
from billing.pricing.restrictions import Moment, clock_edges
from billing.pricing.tariff import ENERGY, FLAT, PARKING_TIME, TIME, Component, Tariff, parse_tariff
from billing.pricing.timeline import CHARGING, PARKING, Timeline, Track


def price_session(tariff: Mapping, timeline: Timeline, tz: str, *, until: datetime | None = None) -> Price:
    """The price of a session under `tariff` (the JSON of docs/pricing.md §1, as snapshotted when the
    session started), with local time in the station's IANA zone `tz`. A running session, or
    any session with `until`, is priced for what happened up to `until`.

    Idle grace is one allowance per session: the first `idle_grace_minutes` of parking, summed
    over every time the car stood idle, are free, and only what comes after is billed.
    """
    parsed = parse_tariff(tariff)
    zone = ZoneInfo(tz)
    track = Track(timeline, until)
    usage = {kind: Usage([]) for kind in (ENERGY, TIME, PARKING_TIME)}
    flat: Component | None = None
    charging = parked = billable = Fraction(0)
    grace = Fraction(parsed.grace_seconds)
    cuts = sorted(_cuts(parsed, track, zone))
    for a, b in zip(cuts, cuts[1:], strict=False):
        moment = Moment(local=_at(track, a).astimezone(zone), energy_wh=track.energy_at(a), duration_s=a,
                        power_w=track.power_at(a), current_a=track.current_at(a))
        in_force = _in_force(parsed, moment)
        seconds = b - a
        if ENERGY in in_force:
            usage[ENERGY].add(in_force[ENERGY], track.energy_at(b) - moment.energy_wh)
        state = track.state_at(a)
        if state == CHARGING:
            charging += seconds
            if TIME in in_force:
                usage[TIME].add(in_force[TIME], seconds)
        elif state == PARKING:
            beyond_grace = max(Fraction(0), parked + seconds - max(grace, parked))
            parked += seconds
            billable += beyond_grace
            if PARKING_TIME in in_force:
                usage[PARKING_TIME].add(in_force[PARKING_TIME], beyond_grace)
        if flat is None:
            flat = in_force.get(FLAT)
    return make_price(tariff=parsed, usage=usage, flat=flat, energy_wh=track.energy_at(track.end),
                      charging_seconds=charging, parking_seconds=billable)


def _in_force(tariff: Tariff, moment: Moment) -> dict[str, Component]:
    """Per dimension, the component of the first element that has one and whose restrictions hold."""
    found: dict[str, Component] = {}
    for element in tariff.elements:
        if element.restrictions.holds(moment):
            for kind, component in element.components.items():
                found.setdefault(kind, component)
    return found


def _cuts(tariff: Tariff, track: Track, zone: ZoneInfo) -> set[Fraction]:
    end = track.end
    cuts = {Fraction(0), end} | track.cuts() | tariff.duration_thresholds()
    cuts |= {track.crossing(wh) for wh in tariff.energy_thresholds()} - {None}
    if end > 0:
        edges = clock_edges(zone, track.start, _at(track, end, up=True), tariff.clock_times())
        cuts |= {track.pos(e) for e in edges}
    return {c for c in cuts if 0 <= c <= end}


def _at(track: Track, pos: Fraction, *, up: bool = False) -> datetime:
    """The instant of a position, to the microsecond (down, or up)."""
    micro = pos * 10**6
    return track.start + timedelta(microseconds=math.ceil(micro) if up else math.floor(micro))
