"""Storing sampled values: every measurand, phase, unit and context, normalized, stored once.

Samples travel as plain dicts of MeterSample fields (see rows.py): a 3-phase MeterValues holds
a dozen of them and the fleet sends thousands a second."""

import json
from datetime import datetime
from decimal import Decimal, InvalidOperation

from stations import timestamps
from stations.models import MeterSample
from stations.services.rows import insert_rows

ENERGY_REGISTER = "Energy.Active.Import.Register"
# kilo-units are stored in their base unit.
_SCALE = {"kWh": ("Wh", 1000), "kW": ("W", 1000), "kvarh": ("varh", 1000),
          "kvar": ("var", 1000), "kVA": ("VA", 1000)}
_FOUR_PLACES = Decimal("0.0001")
_LARGEST = Decimal(10) ** 15  # MeterSample.value: 20 digits, 4 of them decimals


def normalize(sampled: dict) -> dict:
    """One sampledValue with the spec's defaults filled in and the value in its base unit."""
    measurand = sampled.get("measurand", ENERGY_REGISTER)
    unit = sampled.get("unit", "Wh" if measurand.startswith("Energy") else "")
    fmt = sampled.get("format", "Raw")
    raw = sampled.get("value", "")
    value = None
    if fmt == "Raw":
        try:
            value = Decimal(raw)
        except (InvalidOperation, TypeError):
            value = None
        if value is not None and not value.is_finite():
            value = None
    if value is not None and unit in _SCALE:
        unit, factor = _SCALE[unit]
        value *= factor
    return {
        "measurand": measurand,
        "phase": sampled.get("phase", ""),
        "location": sampled.get("location", "Outlet"),
        "context": sampled.get("context", "Sample.Periodic"),
        "format": fmt,
        "unit": unit,
        "value": value.quantize(_FOUR_PLACES) if value is not None else None,
        "raw": raw if value is None else "",
    }


def samples_from(meter_values: list[dict], *, station_id: int, connector_id: int,
                 received_at: datetime, evse_id: int | None = None) -> list[dict]:
    """The samples of `meter_values`, on `evse_id` (default: a 1.6 connector is its own EVSE)."""
    evse_id = connector_id if evse_id is None else evse_id
    samples = []
    for meter_value in meter_values:
        stamp = timestamps.effective(timestamps.parse(meter_value["timestamp"]), received_at)
        for sampled in meter_value.get("sampledValue", []):
            samples.append({"station_id": station_id, "session_id": None,
                            "connector_id": connector_id, "evse_id": evse_id, "timestamp": stamp,
                            "received_at": received_at, **normalize(sampled)})
    return samples


# OCPP 2.0.1 sends the value as a number, with `unitOfMeasure {unit, multiplier}` (value x
# 10^multiplier) and its signed data beside it; where it omits the unit, the measurand's own.
_UNIT_OF = (("Energy.Active", "Wh"), ("Energy.Reactive", "varh"), ("Energy.Apparent", "VAh"),
            ("Power.Active", "W"), ("Power.Reactive", "var"), ("Power.Offered", "W"),
            ("Current", "A"), ("Voltage", "V"), ("SoC", "Percent"), ("Frequency", "Hz"))


def sampled_value_of_201(sampled: dict) -> dict:
    """A 2.0.1 sampledValue in 1.6's words (value a string in `unit`, the multiplier applied)."""
    measurand = sampled.get("measurand", ENERGY_REGISTER)
    unit_of = sampled.get("unitOfMeasure", {})
    unit = unit_of.get("unit") or next((u for prefix, u in _UNIT_OF if measurand.startswith(prefix)), "")
    value = Decimal(str(sampled["value"])).scaleb(unit_of.get("multiplier", 0))
    fits = value.is_finite() and abs(value) < _LARGEST  # else stored as no value, not an error
    words = {"value": str(value) if fits else "", "measurand": measurand, "unit": unit}
    for key in ("phase", "location", "context"):
        if key in sampled:
            words[key] = sampled[key]
    return words


def samples_from_201(meter_values: list[dict], *, station_id: int, connector_id: int,
                     evse_id: int, received_at: datetime) -> list[dict]:
    """The samples of a 2.0.1 meterValue list; signed meter data kept verbatim in `raw`."""
    samples = []
    for meter_value in meter_values:
        stamp = timestamps.effective(timestamps.parse(meter_value["timestamp"]), received_at)
        for sampled in meter_value.get("sampledValue", []):
            sample = normalize(sampled_value_of_201(sampled))
            if "signedMeterValue" in sampled:
                sample["raw"] = json.dumps(sampled["signedMeterValue"], sort_keys=True)
            samples.append({"station_id": station_id, "session_id": None,
                            "connector_id": connector_id, "evse_id": evse_id, "timestamp": stamp,
                            "received_at": received_at, **sample})
    return samples


def latest_energy_register(samples: list[dict]) -> int | None:
    """The highest Wh reading of the active-import register among `samples` (whole meter)."""
    readings = [s["value"] for s in samples
                if s["measurand"] == ENERGY_REGISTER and s["value"] is not None
                and s["unit"] == "Wh" and s["phase"] == "" and s["location"] in ("Outlet", "")]
    return int(max(readings)) if readings else None


def store(samples: list[dict], *, session_id: int | None = None) -> None:
    """Insert samples; one the station sent before (a retransmission) is skipped."""
    if session_id is not None:
        for sample in samples:
            sample["session_id"] = session_id
    insert_rows(MeterSample, samples, ignore_conflicts=True)
