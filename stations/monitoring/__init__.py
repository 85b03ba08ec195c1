"""OCPP 2.0.1 monitoring and events (block N) for operators: monitors on the device model's
variables (SetVariableMonitoring, ClearVariableMonitoring, GetMonitoringReport), the station's
monitoring base and level, and every NotifyEvent kept as a station event, a fault among them
shown as the connector's Faulted status (docs/ocpp201.md, monitoring and events)."""
