"""The action forms a station page offers, in the words of the station's OCPP version
(docs/domain-model.md, "Station → EVSE → connector"): a 1.6 station is reset Soft or Hard and
names a connector by one number; a 2.0.1 station is reset OnIdle or Immediate, as a whole or one
EVSE, and names a connector by its EVSE and its number there. The forms of stations/forms.py
accept both (the action views validate what comes back, whatever the version); this only
narrows what is shown."""

from django import forms as django_forms

from stations.forms import (
    AvailabilityForm,
    RemoteStartForm,
    RemoteStopForm,
    ResetForm,
    TriggerForm,
    UnlockForm,
)
from stations.models import Station
from stations.ocpp.v201.commands import TRIGGERABLE as TRIGGERABLE_201
from stations.triggers.services import EXTENDED, STANDARD

V201_VERSION = "2.0.1"


def _choices(field: django_forms.ChoiceField, keep: set[str]) -> None:
    field.choices = [(value, label) for value, label in field.choices if value in keep]


def _as_201(forms: dict) -> None:
    forms["remote_start"].fields["connector_id"].label = "EVSE"
    reset = forms["reset"].fields
    reset["type"].choices = [("OnIdle", "OnIdle (when no session runs)"),
                             ("Immediate", "Immediate (ends running sessions)")]
    reset["evse_id"].help_text = "Blank: the whole station."
    unlock = forms["unlock"].fields
    unlock["connector_id"].label, unlock["evse_connector_id"].help_text = "EVSE", "Blank: 1."
    availability = forms["availability"].fields
    availability["connector_id"].label = "EVSE"
    availability["connector_id"].help_text = "0: the whole station."
    availability["evse_connector_id"].help_text = "Blank: the whole EVSE."
    trigger = forms["trigger"].fields
    trigger["requested_message"].choices = [(m, m) for m in sorted(TRIGGERABLE_201)]
    trigger["requested_message"].help_text = ""
    trigger["connector_id"].label = "EVSE"


def _as_16(forms: dict) -> None:
    forms["remote_start"].fields["connector_id"].label = "Connector"
    _choices(forms["reset"].fields["type"], {"Soft", "Hard"})
    del forms["reset"].fields["evse_id"]
    for name in ("unlock", "availability"):
        forms[name].fields["connector_id"].label = "Connector"
        del forms[name].fields["evse_connector_id"]
    trigger = forms["trigger"].fields
    trigger["requested_message"].choices = [(m, m) for m in sorted(STANDARD | EXTENDED)]
    trigger["requested_message"].help_text = ""
    trigger["connector_id"].label = "Connector"


def action_forms(station: Station, *, running: list[str], tags=None) -> dict:
    """The unbound forms of the station page's actions, as the station's version words them (a
    station that never connected is offered 1.6's words, the default of a new station). `tags`
    is ignored: the id tag is searched as typed (cpms/pickers.py), not listed."""
    forms = {
        "remote_start": RemoteStartForm(tenant=station.tenant_id, auto_id="remote-start-%s"),
        "remote_stop": RemoteStopForm(transactions=running, auto_id="remote-stop-%s"),
        "reset": ResetForm(auto_id="reset-%s"), "unlock": UnlockForm(auto_id="unlock-%s"),
        "availability": AvailabilityForm(auto_id="availability-%s"),
        "trigger": TriggerForm(auto_id="trigger-%s"),
    }
    (_as_201 if station.ocpp_version == V201_VERSION else _as_16)(forms)
    return forms
