"""The OCPP 2.0.1 device model for operators: reports asked for (GetBaseReport, GetReport),
variables read and set with a verdict per attribute (GetVariables, SetVariables), from the API
(api.py, urls.py) and the station page (views.py), through the services in services.py
(docs/domain-model.md, the device model; docs/api.md)."""
