"""Vendor quirks: the one place where known deviations of real stations are handled.

Real stations bend the spec. Each deviation is a named field of `ModelQuirks`, configured per
station model in the admin; handlers and services ask `quirks_of(station)` and apply the one
they need through a function here, so no `if vendor == ...` is scattered through the code.
"""

import time
from dataclasses import dataclass

from stations.models.quirks import ModelQuirks

CACHE_SECONDS = 30  # an edit in the admin reaches every process within this
_cache: dict[tuple[str, str], tuple[float, "Quirks"]] = {}


@dataclass(frozen=True)
class Quirks:
    id_tag_suffix_separator: str = ""
    tx_profile_after_start_only: bool = False
    max_profile_on_connector_zero_only: bool = False
    file_transfer: str = ""  # "ftp": the model fetches and uploads files over FTP only


NONE = Quirks()


def quirks_for(vendor: str, model: str) -> Quirks:
    """The quirks of a vendor's model: the longest matching model prefix wins."""
    if not vendor:
        return NONE
    cached = _cache.get((vendor, model))
    if cached is not None and cached[0] > time.monotonic():
        return cached[1]
    quirks = _lookup(vendor, model)
    _cache[(vendor, model)] = (time.monotonic() + CACHE_SECONDS, quirks)
    return quirks


def quirks_forget() -> None:
    _cache.clear()


def _lookup(vendor: str, model: str) -> Quirks:
    rows = [row for row in ModelQuirks.objects.filter(vendor__iexact=vendor)
            if model.lower().startswith(row.model_prefix.lower())]
    if not rows:
        return NONE
    row = max(rows, key=lambda r: len(r.model_prefix))
    return Quirks(id_tag_suffix_separator=row.id_tag_suffix_separator,
                  tx_profile_after_start_only=row.tx_profile_after_start_only,
                  max_profile_on_connector_zero_only=row.max_profile_on_connector_zero_only,
                  file_transfer=row.file_transfer)


def quirks_of(station) -> Quirks:
    return quirks_for(station.vendor, station.model)


def id_tag_from_station(id_tag: str, quirks: Quirks) -> str:
    """The id tag as issued, from what the station sent (some append "<separator><serial>")."""
    separator = quirks.id_tag_suffix_separator
    if separator and separator in id_tag:
        return id_tag.rsplit(separator, 1)[0]
    return id_tag
