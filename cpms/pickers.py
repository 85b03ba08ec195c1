"""Search pickers: a text field that offers, as one types, the signed-in tenant's id tags or
stations (docs/dashboard.md, "Pickers"), so that a form never lists a fleet in one <select> or a
wall of checkboxes. `/pick/<kind>/?q=` answers at most `LIMIT` matches as JSON, those that begin
with the text first; the field stays a plain text field without JavaScript, and the form
checks what was typed on the server (`tag_of`, `stations_named`).

Removed stations (Station.removed_at) are never offered nor accepted."""

import re

from django import forms
from django.db.models import BooleanField, Case, Q, QuerySet, Value, When
from django.http import JsonResponse
from django.template.loader import render_to_string
from django.urls import reverse

from cpms.dashboard import page
from stations.models import IdTag, Station
from tenants.access import EVERYONE, STATION_ROLES

LIMIT = 20
MAX_QUERY = 100  # characters of `q` used
SEPARATORS = re.compile(r"[\s,;]+")


def _ranked(queryset: QuerySet, field: str, text: str, also: tuple[str, ...] = ()) -> QuerySet:
    """Rows whose `field` (or one of `also`) contains `text`, any case; those that begin with it first."""
    if not text:
        return queryset.order_by(field)[:LIMIT]
    matches = Q(**{f"{field}__icontains": text})
    for name in also:
        matches |= Q(**{f"{name}__icontains": text})
    begins = Case(When(**{f"{field}__istartswith": text}, then=Value(True)), default=Value(False),
                  output_field=BooleanField())
    return queryset.filter(matches).annotate(begins=begins).order_by("-begins", field)[:LIMIT]


def live_stations(tenant) -> QuerySet:
    return Station.objects.filter(tenant=tenant, removed_at__isnull=True)


def id_tag_matches(tenant, text: str) -> list[dict]:
    rows = _ranked(IdTag.objects.filter(tenant=tenant), "id_tag", text, also=("name",))
    return [{"value": t.id_tag, "label": t.id_tag, "detail": " · ".join(
        part for part in (t.name, t.get_status_display()) if part)} for t in rows]


def station_matches(tenant, text: str) -> list[dict]:
    rows = _ranked(live_stations(tenant), "identity", text, also=("name",))
    return [{"value": s.identity, "label": s.identity, "detail": s.name} for s in rows]


def _query(request) -> str:
    return (request.GET.get("q") or "").strip()[:MAX_QUERY]


@page(*STATION_ROLES)
def id_tags_pick(request):
    return JsonResponse({"results": id_tag_matches(request.tenant, _query(request))})


@page(*EVERYONE)
def stations_pick(request):
    """For several identities at once (a comma-separated field), the last one is searched."""
    text = SEPARATORS.split(_query(request))[-1]
    return JsonResponse({"results": station_matches(request.tenant, text)})


# The form side ------------------------------------------------------------------------------

class PickerInput(forms.TextInput):
    """A text input that searches `/pick/<source>/` as one types (static/js/picker.js, an ARIA
    combobox); `multiple`: a comma-separated list, each pick appended."""

    def __init__(self, source: str, *, multiple: bool = False, attrs=None):
        super().__init__(attrs)
        self.source, self.multiple = source, multiple

    def render(self, name, value, attrs=None, renderer=None):
        context = self.get_context(name, value, attrs)["widget"]
        return render_to_string("cpms/_picker.html", {
            "widget": context, "url": reverse(f"pick-{self.source}"), "multiple": self.multiple,
            "list_id": f"{context['attrs'].get('id') or name}-options"})


def tag_of(tenant, text: str) -> IdTag | None:
    """The tenant's tag spelt `text` (exactly, else in any case: OCPP's CiString)."""
    tags = IdTag.objects.filter(tenant=tenant)
    return tags.filter(id_tag=text).first() or tags.filter(id_tag__iexact=text).first()


def identities_in(text: str) -> list[str]:
    """The identities typed in a comma- (or space-) separated field, each once, in order."""
    return list(dict.fromkeys(part for part in SEPARATORS.split(text or "") if part))


def stations_named(tenant, identities: list[str]) -> tuple[list[Station], list[str]]:
    """The tenant's live stations of these identities, and the identities matching none."""
    found = {s.identity: s for s in live_stations(tenant).filter(identity__in=identities)}
    return [found[i] for i in identities if i in found], [i for i in identities if i not in found]
