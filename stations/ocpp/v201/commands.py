"""The OCPP 2.0.1 words for what the central system asks of a station: the sibling of
stations/ocpp/v16/commands.py.

`call_of` turns a version-neutral request (stations/commands/requests.py) into the 2.0.1 action
and payload; `result_of` turns the station's answer into the neutral result. Both are pure: no
database, no socket (docs/architecture.md, the path of an API command). Both are singledispatch
on the request's type: each topic below registers its requests' `call_of` and, where the answer
says more than a status, its `result_of`, in its own section.
"""

from functools import singledispatch

from stations.commands import requests as req
from stations.ocpp.v201 import configuration_keys


def _without_none(payload: dict) -> dict:
    return {key: value for key, value in payload.items() if value is not None}


# Requests -> (action, payload): one registration per request type, in the topic's section -------
@singledispatch
def call_of(request) -> tuple[str, dict]:
    raise TypeError(f"OCPP 2.0.1 has no message for {type(request).__name__}.")


# The answer -> a neutral result: special cases register in the topic's section ------------------
@singledispatch
def result_of(request, action: str, response: dict) -> req.CommandResult:
    """Most answers are a status (and, for a few, more the caller may show)."""
    return req.CommandResult(action=action, status=response.get("status", ""), response=response)


# Station: reset, availability, unlock, triggers, data transfer (control201) ---------------------


# Sessions: remote start and stop (control201) ---------------------------------------------------


# Reservations (control201) ----------------------------------------------------------------------


# Local authorization list (control201) ----------------------------------------------------------


# Firmware and logs (control201) -----------------------------------------------------------------


# Authorization cache and running cost (tx201) ---------------------------------------------------


# Device model: variables and reports (devmodel201) ----------------------------------------------
def _component(ref: req.VariableRef) -> dict:
    """ComponentType: its name, instance, and EVSE (with a connector within it) if on one."""
    evse = None if ref.evse_id is None else _without_none({"id": ref.evse_id,
                                                           "connectorId": ref.connector_id})
    return _without_none({"name": ref.component, "instance": ref.component_instance or None,
                          "evse": evse})


def _variable(ref: req.VariableRef) -> dict:
    return _without_none({"name": ref.variable, "instance": ref.variable_instance or None})


def variable_ref(item: dict) -> req.VariableRef:
    """The VariableRef of a result, report entry or request item (component, variable and
    attributeType in 2.0.1's words)."""
    component, variable = item["component"], item.get("variable") or {}
    evse = component.get("evse") or {}
    return req.VariableRef(
        component=component["name"], variable=variable.get("name", ""),
        attribute_type=item.get("attributeType", "Actual"),
        component_instance=component.get("instance", ""),
        variable_instance=variable.get("instance", ""),
        evse_id=evse.get("id"), connector_id=evse.get("connectorId"))


def _status_info(result: dict) -> str:
    info = result.get("attributeStatusInfo") or {}
    return ": ".join(part for part in (info.get("reasonCode"), info.get("additionalInfo")) if part)


def _overall(results: tuple[req.VariableResult, ...]) -> str:
    return next((r.status for r in results if r.status != "Accepted"), "Accepted")


@call_of.register
def _(request: req.VariablesGet) -> tuple[str, dict]:
    return "GetVariables", {"getVariableData": [
        {"component": _component(ref), "variable": _variable(ref),
         "attributeType": ref.attribute_type} for ref in request.items]}


@result_of.register
def _(request: req.VariablesGet, action: str, response: dict) -> req.CommandResult:
    results = tuple(req.VariableResult(
        variable=variable_ref(item), status=item["attributeStatus"],
        value=item.get("attributeValue"), status_info=_status_info(item))
        for item in response.get("getVariableResult", []))
    return req.VariablesReport(action=action, status=_overall(results), response=response,
                               results=results)


@call_of.register
def _(request: req.VariablesSet) -> tuple[str, dict]:
    return "SetVariables", {"setVariableData": [
        {"component": _component(item.variable), "variable": _variable(item.variable),
         "attributeType": item.variable.attribute_type, "attributeValue": item.value}
        for item in request.items]}


@result_of.register
def _(request: req.VariablesSet, action: str, response: dict) -> req.CommandResult:
    given = {setting.variable: setting.value for setting in request.items}
    results = []
    for item in response.get("setVariableResult", []):
        ref = variable_ref(item)
        results.append(req.VariableResult(variable=ref, status=item["attributeStatus"],
                                          value=given.get(ref), status_info=_status_info(item)))
    results = tuple(results)
    return req.VariablesSetReport(action=action, status=_overall(results), response=response,
                                  results=results)


@call_of.register
def _(request: req.BaseReportGet) -> tuple[str, dict]:
    return "GetBaseReport", {"requestId": request.request_id, "reportBase": request.report_base}


@call_of.register
def _(request: req.ReportGet) -> tuple[str, dict]:
    payload: dict = {"requestId": request.request_id}
    if request.variables:
        payload["componentVariable"] = [
            _without_none({"component": _component(ref),
                           "variable": _variable(ref) if ref.variable else None})
            for ref in request.variables]
    if request.criteria:
        payload["componentCriteria"] = list(request.criteria)
    return "GetReport", payload


# 1.6 configuration keys as 2.0.1 variables (stations/ocpp/v201/configuration_keys.py): the
# features that read or change a setting by its 1.6 name work for a 2.0.1 station too.
def _key_ref(key: configuration_keys.KeyVariable) -> req.VariableRef:
    return req.VariableRef(component=key.component, variable=key.variable,
                           variable_instance=key.variable_instance)


@call_of.register
def _(request: req.ConfigurationGet) -> tuple[str, dict]:
    keys = ([configuration_keys.variable_of_key(k) for k in request.keys
             if configuration_keys.known(k)] if request.keys else list(configuration_keys.READABLE))
    if not keys:
        raise ValueError("OCPP 2.0.1 has no variable known for any of these 1.6 keys.")
    return call_of(req.VariablesGet(items=tuple(_key_ref(key) for key in keys)))


@result_of.register
def _(request: req.ConfigurationGet, action: str, response: dict) -> req.CommandResult:
    report = result_of(req.VariablesGet(items=()), action, response)
    keys, unknown = [], [k for k in request.keys if not configuration_keys.known(k)]
    for result in report.results:
        key = configuration_keys.key_of_variable(result.variable.component,
                                                 result.variable.variable,
                                                 result.variable.variable_instance)
        if key is None:
            continue
        if result.status == "Accepted":
            keys.append({"key": key.key, "value": key.value_16(result.value or ""),
                         "readonly": False})
        else:
            unknown.append(key.key)
    return req.ConfigurationReport(action=action, status="Accepted", response=response,
                                   keys=tuple(keys), unknown=tuple(unknown))


@call_of.register
def _(request: req.ConfigurationSet) -> tuple[str, dict]:
    key = configuration_keys.variable_of_key(request.key)
    return call_of(req.VariablesSet(items=(req.VariableSetting(
        variable=_key_ref(key), value=key.value_201(request.value)),)))


# SetVariables' attributeStatus in ChangeConfiguration's words.
CONFIGURATION_STATUS = {"Accepted": "Accepted", "RebootRequired": "RebootRequired",
                        "Rejected": "Rejected"}


@result_of.register
def _(request: req.ConfigurationSet, action: str, response: dict) -> req.CommandResult:
    results = response.get("setVariableResult") or [{}]
    status = CONFIGURATION_STATUS.get(results[0].get("attributeStatus", ""), "NotSupported")
    return req.CommandResult(action=action, status=status, response=response)


# Security: certificates, network profile, password (security201) --------------------------------


# Smart charging: charging profiles, composite schedule (load201) --------------------------------
