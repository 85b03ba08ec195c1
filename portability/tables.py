"""What the export archive holds: one JSON Lines file per table, in an order in which every row's
references point to rows of earlier files (or earlier rows of the same file), so the import can
insert file by file (docs/portability.md).

The writer is generic: every concrete field of a listed model is written, so a field added later
travels without code changes. Each model of the project is either listed here, or left out with
its reason (LEFT_OUT), or not the tenant's (NOT_TENANT_OWNED); tests/fast/portability fails for a
model in none of them.
"""

from dataclasses import dataclass, field

FORMAT = "cpms-tenant-export"
FORMAT_VERSION = 1


@dataclass(frozen=True)
class Table:
    label: str  # the model, "app_label.ModelName"
    file: str  # in the archive, "<file>.jsonl"
    scope: str  # the lookup from a row to its tenant
    blank: dict = field(default_factory=dict)  # field: value written instead (runtime state, secrets)
    int_refs: dict = field(default_factory=dict)  # integer field holding a row id of another table
    groups: tuple = ()  # UUID fields naming a group of rows: written as the group's first row id


BY_STATION = "station__tenant"
TABLES = [
    Table("stations.Location", "locations", "tenant"),
    Table("billing.Customer", "customers", "tenant"),
    Table("billing.Tariff", "tariffs", "tenant", groups=("family",)),
    Table("stations.Station", "stations", "tenant",
          blank={"server_process": None, "channel_name": "", "connected_since": None}),
    Table("stations.Evse", "evses", BY_STATION),
    Table("stations.Connector", "connectors", BY_STATION),
    Table("stations.Component", "device_model_components", BY_STATION),
    Table("stations.Variable", "device_model_variables", "component__station__tenant"),
    Table("stations.VariableAttribute", "device_model_attributes", "variable__component__station__tenant"),
    Table("stations.VariableMonitor", "device_model_monitors", "variable__component__station__tenant"),
    Table("stations.StationMonitoring", "station_monitoring", BY_STATION),
    Table("stations.ConnectionPeriod", "connection_periods", BY_STATION, blank={"server_process": None}),
    Table("stations.StatusEvent", "status_events", BY_STATION),
    Table("stations.StationEvent", "station_events", BY_STATION),
    Table("stations.IdTag", "id_tags", "tenant"),
    Table("billing.StationTariff", "station_tariffs", BY_STATION),
    Table("loadmgmt.LoadGroup", "load_groups", "tenant"),
    Table("loadmgmt.LoadGroupMember", "load_group_members", "group__tenant"),
    Table("billing.LoadGroupTariff", "load_group_tariffs", "group__tenant"),
    Table("stations.ChargingSession", "sessions", "tenant"),
    Table("stations.TransactionEventRecord", "transaction_events", BY_STATION),
    Table("stations.MeterSample", "meter_values", BY_STATION),
    Table("billing.SessionPrice", "session_prices", "tenant"),
    Table("billing.Seller", "seller", "tenant"),
    Table("billing.InvoiceSequence", "invoice_sequences", "tenant"),
    Table("billing.Invoice", "invoices", "tenant"),
    Table("billing.InvoiceLine", "invoice_lines", "invoice__tenant"),
    Table("alerts.AlertRule", "alert_rules", "tenant"),
    Table("alerts.Alert", "alerts", "tenant"),
    Table("alerts.StationMute", "station_mutes", "tenant"),
    Table("webhooks.WebhookEndpoint", "webhook_endpoints", "tenant",
          blank={"secret_encrypted": "", "secret_prefix": "", "previous_secret_encrypted": "",
                 "previous_secret_expires_at": None}),
    Table("security.UploadedCertificateAuthority", "uploaded_certificate_authorities", "tenant"),
    Table("security.ContractCertificate", "contract_certificates", "tenant"),
    Table("security.SecurityEvent", "security_events", "tenant"),
    Table("firmware.FirmwareFile", "firmware_files", "tenant"),
    Table("displaymessages.DisplayMessage", "display_messages", "tenant"),
    Table("tenants.Membership", "memberships", "tenant"),
    Table("audit.AuditEntry", "audit_log", "tenant", int_refs={"station_id": "stations.Station"}),
]

# References to rows that are not the tenant's data: written as null (runtime only).
NULLED_TARGETS = {"stations.ServerProcess"}
USER_MODEL = "auth.User"  # users are the installation's: written as their username (docs)

LEFT_OUT = {
    "tenants.ApiToken": "credentials of this installation: issue new tokens after the move",
    "security.CertificateAuthority": "the tenant CA's private key is never written to a file; the new "
                                     "installation makes its own CA and stations renew their certificates",
    "security.IssuedCertificate": "certificates signed by the CA that stays behind",
    "security.InstalledCertificate": "what a station reports it holds: asked again "
                                     "(GetInstalledCertificateIds)",
    "security.SecurityCommand": "a log of commands sent to stations",
    "security.PkiRequest": "a log of requests to the certificate backend",
    "stations.OcppMessage": "the OCPP message log: large, kept for diagnosis on this installation only",
    "stations.CustomerInformation": "a log of customer-information commands sent to stations",
    "stations.CustomerInformationPart": "the parts of those commands' answers",
    "stations.DeviceReport": "bookkeeping of device-model reports in progress (the device model is exported)",
    "firmware.FirmwareJob": "a log of firmware updates sent to stations",
    "firmware.UploadRequest": "a log of diagnostics/log uploads asked from stations",
    "firmware.Rollout": "a log of firmware rollouts",
    "firmware.FirmwarePublication": "a log of firmware publications to local controllers",
    "authlist.LocalList": "derived from the id tags; the new installation sends stations a full list",
    "authlist.LocalListUpdate": "a log of local list updates sent",
    "reservations.Reservation": "short-lived (minutes to hours), expired by the time a tenant moves",
    "smartcharging.ChargingProfile": "live control state: load management sends the limits again",
    "smartcharging.SchedulePeriod": "the periods of those profiles",
    "smartcharging.ProfileClearing": "a log of profile clearings sent",
    "smartcharging.ProfileReport": "a log of composite/installed profile reports",
    "smartcharging.ExternalChargingLimit": "live state a station reports again",
    "smartcharging.ChargingNeeds": "live state of running sessions, reported again by the EV",
    "smartcharging.EVChargingSchedule": "live state of running sessions, reported again by the EV",
    "displaymessages.DisplayMessageReport": "a log of display-message reports asked",
    "loadmgmt.StationControl": "derived: found again when the station connects",
    "loadmgmt.ConnectorLimit": "derived: the live allocation, recomputed",
    "loadmgmt.Allocation": "a log of allocations (derived)",
    "loadmgmt.LimitSent": "a log of limits sent",
    "alerts.AlertNotification": "a log of notification e-mails sent",
    "alerts.RemoteStartWatch": "live state of remote starts in flight",
    "webhooks.WebhookEvent": "the delivery queue of this installation (retention-limited)",
    "webhooks.WebhookDelivery": "the delivery queue of this installation",
    "webhooks.WebhookAttempt": "the delivery log of this installation",
    "reports.StationDay": "derived daily figures, computed again from sessions and connection/status history",
    "reports.SiteDay": "derived daily figures per site, computed again as the stations' are",
    "reports.TenantDay": "derived daily figures of the tenant, computed again as the stations' are",
    "reports.StationMonth": "derived monthly figures, summed again from the station's days",
    "reports.SiteMonth": "derived monthly figures per site, summed again from the site's days",
}

NOT_TENANT_OWNED = {
    "tenants.Tenant": "the tenant itself: its settings are tenant.json",
    "stations.ServerProcess": "the installation's server processes",
    "stations.ModelQuirks": "the installation's knowledge of station models",
}

# Apps whose models are the installation's framework, not the project's.
FRAMEWORK_APPS = {"admin", "auth", "contenttypes", "sessions", "authtoken", "django_celery_beat",
                  "django_celery_results", "channels", "rest_framework", "drf_spectacular"}


def table_of(label: str) -> Table | None:
    return next((table for table in TABLES if table.label == label), None)
