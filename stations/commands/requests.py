"""What the central system can ask of a station, in no OCPP version's words.

A service says what it wants (reset the station, start a session for this id token on that
EVSE) as one of these requests; the adapter of the station's OCPP version turns it into a CALL
and turns the station's answer into a `CommandResult` (stations/ocpp/v16/commands.py for 1.6;
a 2.0.1 adapter is its sibling). Requests and results are plain frozen values, so the
translation is a pure function that tests call without a station (docs/architecture.md, the
path of an API command).

EVSE ids are the domain's: a 1.6 connector is an EVSE with one connector, so `evse_id` is the
1.6 `connectorId`, and `None` (or 0 where the station itself is meant) is the whole station.
Charging profiles and local-list entries travel in the form they are stored in.
"""

from dataclasses import dataclass, field
from decimal import Decimal


# Results --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class CommandResult:
    """The station's answer: `status` is its verdict ("Accepted", "Rejected", ...; empty when
    the message has none), `action` the message that carried the request, `response` the raw
    answer for callers that show it."""

    action: str
    status: str
    response: dict = field(default_factory=dict)


@dataclass(frozen=True)
class ConfigurationReport(CommandResult):
    """The settings a station reported: `keys` as {"key", "value", "readonly"} (value absent
    when the station does not tell it), `unknown` the names it does not know."""

    keys: tuple[dict, ...] = ()
    unknown: tuple[str, ...] = ()


@dataclass(frozen=True)
class ListVersionReport(CommandResult):
    """The local authorization list version a station holds (-1: none, 0: an empty list)."""

    version: int = -1


@dataclass(frozen=True)
class SessionStartReport(CommandResult):
    """A remote start's answer with the remoteStartId it carried (None: the version has none)."""

    remote_start_id: int | None = None


# Station -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class StationReset:
    """Restart the station (or, in 2.0.1, one EVSE). `hard` restarts at once, ending sessions
    (1.6 Hard, 2.0.1 Immediate); else the station waits until it is idle (1.6 Soft, 2.0.1 OnIdle).
    `on_idle`, when given, says it in 2.0.1's words and wins over `hard`. 1.6 cannot reset one EVSE."""

    hard: bool
    evse_id: int | None = None
    on_idle: bool | None = None


@dataclass(frozen=True)
class AvailabilityChange:
    """The whole station (`evse_id` None or 0), one EVSE, or (2.0.1) one connector of it:
    `connector_id` counts within the EVSE, from 1. 1.6 cannot name a connector within an EVSE."""

    operative: bool
    evse_id: int | None = None
    connector_id: int | None = None


@dataclass(frozen=True)
class ConnectorUnlock:
    evse_id: int
    connector_id: int = 1


@dataclass(frozen=True)
class ConfigurationGet:
    """Read settings; no keys: every one the station has."""

    keys: tuple[str, ...] = ()


@dataclass(frozen=True)
class ConfigurationSet:
    key: str
    value: str


@dataclass(frozen=True)
class MessageTrigger:
    """Ask the station to send `requested_message` now. `extended` asks for the Security
    extension's variant where a version has two."""

    requested_message: str
    evse_id: int | None = None
    extended: bool = False


@dataclass(frozen=True)
class CacheClear:
    pass


@dataclass(frozen=True)
class DataTransfer:
    vendor_id: str
    message_id: str | None = None
    data: str | None = None


# Device model (OCPP 2.0.1: components, variables, reports) -----------------------------------
@dataclass(frozen=True)
class VariableRef:
    """One attribute of one variable of one component (on an EVSE, or a connector of it, when
    `evse_id` is given; `connector_id` counts within the EVSE). No `variable`: the whole
    component (GetReport's componentVariable)."""

    component: str
    variable: str = ""
    attribute_type: str = "Actual"
    component_instance: str = ""
    variable_instance: str = ""
    evse_id: int | None = None
    connector_id: int | None = None


@dataclass(frozen=True)
class VariableSetting:
    variable: VariableRef
    value: str


@dataclass(frozen=True)
class VariableResult:
    """The station's verdict on one attribute: `status` is its attributeStatus (Accepted,
    Rejected, UnknownComponent, UnknownVariable, NotSupportedAttributeType, RebootRequired),
    `value` the value it read (GetVariables) or was given (SetVariables), `status_info` its
    reason code and additional info, when it gives them."""

    variable: VariableRef
    status: str
    value: str | None = None
    status_info: str = ""


@dataclass(frozen=True)
class VariablesReport(CommandResult):
    """GetVariables' answer, one result per requested attribute; `status` is Accepted when
    every attribute was, else the first other status."""

    results: tuple[VariableResult, ...] = ()


@dataclass(frozen=True)
class VariablesSetReport(VariablesReport):
    """SetVariables' answer, one result per attribute set."""


@dataclass(frozen=True)
class VariablesGet:
    items: tuple[VariableRef, ...]


@dataclass(frozen=True)
class VariablesSet:
    items: tuple[VariableSetting, ...]


@dataclass(frozen=True)
class BaseReportGet:
    """Ask for a whole report (ConfigurationInventory, FullInventory, SummaryInventory): the
    station sends it in NotifyReport parts under `request_id`."""

    request_id: int
    report_base: str


@dataclass(frozen=True)
class ReportGet:
    """Ask for a report of the variables named (a `VariableRef` without a variable: the whole
    component) and/or of the components matching the criteria (Active, Available, Enabled,
    Problem); the parts come as for `BaseReportGet`."""

    request_id: int
    variables: tuple[VariableRef, ...] = ()
    criteria: tuple[str, ...] = ()


# Monitoring (OCPP 2.0.1 block N: monitors on variables, their base and level, reports) ---------
@dataclass(frozen=True)
class MonitorSetting:
    """One monitor to set on a variable (`monitor_id` given: replace that one). `value` is the
    threshold or delta, or for Periodic / PeriodicClockAligned the interval in seconds."""

    variable: VariableRef
    type: str
    value: Decimal
    severity: int
    transaction: bool = False
    monitor_id: int | None = None


@dataclass(frozen=True)
class MonitorResult:
    """The station's verdict on one monitor: Accepted (with the id it gave), UnknownComponent,
    UnknownVariable, UnsupportedMonitorType, Rejected, OutOfRange or Duplicate."""

    setting: MonitorSetting
    status: str
    monitor_id: int | None = None
    status_info: str = ""


@dataclass(frozen=True)
class MonitorsSetReport(CommandResult):
    results: tuple[MonitorResult, ...] = ()


@dataclass(frozen=True)
class MonitorsClearReport(CommandResult):
    """ClearVariableMonitoring's answer: (monitor id, Accepted / Rejected / NotFound) per id."""

    results: tuple[tuple[int, str], ...] = ()


@dataclass(frozen=True)
class MonitorsSet:
    items: tuple[MonitorSetting, ...]


@dataclass(frozen=True)
class MonitorsClear:
    monitor_ids: tuple[int, ...]


@dataclass(frozen=True)
class MonitoringBaseSet:
    """All, FactoryDefault or HardWiredOnly."""

    base: str


@dataclass(frozen=True)
class MonitoringLevelSet:
    """Report events of severity 0..`severity` only (0 Danger .. 9 Debug)."""

    severity: int


@dataclass(frozen=True)
class MonitoringReportGet:
    """Ask for the monitors (of the variables named and/or of the criteria ThresholdMonitoring,
    DeltaMonitoring, PeriodicMonitoring; neither: every monitor), sent in NotifyMonitoringReport
    parts under `request_id`."""

    request_id: int
    variables: tuple[VariableRef, ...] = ()
    criteria: tuple[str, ...] = ()


# Sessions ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class SessionStartRemote:
    """`remote_start_id` (2.0.1's remoteStartId, 1.6 has none) comes back in the station's
    TransactionEvent, which links the session to this request."""

    id_token: str
    token_type: str = "ISO14443"
    evse_id: int | None = None
    charging_profile: dict | None = None
    remote_start_id: int | None = None


@dataclass(frozen=True)
class SessionStopRemote:
    transaction_id: int | str


@dataclass(frozen=True)
class SessionCostUpdate:
    """Tell the station a running transaction's cost so far (2.0.1 CostUpdated; 1.6 has none)."""

    transaction_id: str
    total_cost: Decimal


@dataclass(frozen=True)
class TransactionStatusGet:
    """Ask whether the station still has messages of a transaction (or any, without an id) to
    deliver (2.0.1 GetTransactionStatus; 1.6 has none)."""

    transaction_id: str | None = None


@dataclass(frozen=True)
class TransactionStatusReport(CommandResult):
    ongoing: bool | None = None  # None: the station was not asked about one transaction
    messages_in_queue: bool = False


# Reservations --------------------------------------------------------------------------------
@dataclass(frozen=True)
class ReservationMake:
    reservation_id: int
    evse_id: int
    id_token: str
    expiry_date: str  # ISO 8601, UTC
    parent_id_token: str = ""
    token_type: str = "ISO14443"
    connector_type: str = ""  # 2.0.1: any EVSE with a connector of this type (evse_id 0)


@dataclass(frozen=True)
class ReservationCancel:
    reservation_id: int


# Local authorization list --------------------------------------------------------------------
@dataclass(frozen=True)
class LocalListSend:
    version: int
    full: bool
    entries: tuple[dict, ...] = ()


@dataclass(frozen=True)
class LocalListVersionGet:
    pass


# Smart charging ------------------------------------------------------------------------------
@dataclass(frozen=True)
class ChargingProfileSet:
    evse_id: int
    profile: dict


@dataclass(frozen=True)
class ChargingProfilesClear:
    """By profile id, or by the criteria given (none: every profile)."""

    profile_id: int | None = None
    evse_id: int | None = None
    purpose: str = ""
    stack_level: int | None = None


@dataclass(frozen=True)
class CompositeScheduleGet:
    evse_id: int
    duration: int
    rate_unit: str | None = None


@dataclass(frozen=True)
class ChargingProfilesGet:
    """Ask the station for the profiles it holds (2.0.1's GetChargingProfiles; 1.6 has none):
    they come in report parts under `request_id`. No criteria: every profile."""

    request_id: int
    evse_id: int | None = None
    purpose: str = ""
    stack_level: int | None = None
    profile_ids: tuple[int, ...] = ()
    sources: tuple[str, ...] = ()


# Security ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class CertificateIdsReport(CommandResult):
    """The hash data of the certificates of one type a station has installed."""

    hash_data: tuple[dict, ...] = ()


@dataclass(frozen=True)
class CertificateInstall:
    certificate_type: str
    certificate_pem: str


@dataclass(frozen=True)
class CertificateIdsGet:
    certificate_type: str


@dataclass(frozen=True)
class CertificateIdsGetMany:
    """The certificates of several types at once, none: of every type (2.0.1's
    GetInstalledCertificateIds takes a list; 1.6 asks for one type at a time). The report's
    hash data carry their `certificateType`."""

    certificate_types: tuple[str, ...] = ()


@dataclass(frozen=True)
class CertificateDelete:
    hash_data: dict


@dataclass(frozen=True)
class CertificateSend:
    """A certificate signed for the station (the answer to its certificate signing request).
    `certificate_type` is the domain's (2.0.1's) name of what it is for, as the station asked
    (None: it did not say; 1.6 has only one kind)."""

    chain_pem: str
    certificate_type: str | None = None


@dataclass(frozen=True)
class PasswordSet:
    """The station's new Basic-auth password (1.6: AuthorizationKey; 2.0.1:
    SecurityCtrlr.BasicAuthPassword). The frame log never shows it."""

    password: str


@dataclass(frozen=True)
class NetworkProfileSet:
    """Store a connection profile in the station's `slot` (2.0.1's SetNetworkProfile; 1.6 has
    none): where it connects (`csms_url`, without its identity) at which security profile."""

    slot: int
    csms_url: str
    security_profile: int
    message_timeout: int = 30
    interface: str = "Wired0"


@dataclass(frozen=True)
class NetworkPrioritySet:
    """Which stored connection profiles the station tries, in order (2.0.1's
    OCPPCommCtrlr.NetworkConfigurationPriority, e.g. "2,1")."""

    slots: tuple[int, ...]


# Firmware and logs ---------------------------------------------------------------------------
@dataclass(frozen=True)
class LogUploadReport(CommandResult):
    """The name of the file the station will upload (empty: it has nothing to send)."""

    file_name: str = ""


@dataclass(frozen=True)
class FirmwareUpdate:
    """Fetch the image at `location` from `retrieve_date` on and install it; a signed update
    carries the certificate that signed the image and its signature."""

    request_id: int
    location: str
    retrieve_date: str  # ISO 8601, UTC
    retries: int | None = None
    retry_interval: int | None = None
    signed: bool = False
    signing_certificate: str = ""
    signature: str = ""
    install_date: str | None = None  # ISO 8601, UTC; signed updates (1.6) and 2.0.1 only


@dataclass(frozen=True)
class FirmwarePublish:
    """A local controller fetches the image at `location`, checks its MD5 `checksum` and serves
    it to the stations behind it (2.0.1 only)."""

    request_id: int
    location: str
    checksum: str
    retries: int | None = None
    retry_interval: int | None = None


@dataclass(frozen=True)
class FirmwareUnpublish:
    """A local controller stops serving the image with this MD5 `checksum` (2.0.1 only)."""

    checksum: str


@dataclass(frozen=True)
class LogUpload:
    """Upload a log to `location`: the diagnostics, else the log of `log_type`, from `oldest`
    to `latest` when given (ISO 8601, UTC)."""

    request_id: int
    location: str
    diagnostics: bool = True
    log_type: str = ""
    oldest: str | None = None
    latest: str | None = None
    retries: int | None = None
    retry_interval: int | None = None


# Display messages (OCPP 2.0.1 only) ----------------------------------------------------------
@dataclass(frozen=True)
class DisplayMessageSet:
    """Show `content` on the station as message `message_id` (an id it holds is replaced).
    `state`, `start` and `end` (ISO 8601, UTC), `transaction_id` and the display narrow where
    and when; empty means no limit."""

    message_id: int
    priority: str
    content: str
    message_format: str = "UTF8"
    language: str = ""
    state: str = ""
    start: str = ""
    end: str = ""
    transaction_id: str = ""
    display_component: str = ""
    display_instance: str = ""
    display_evse_id: int | None = None


@dataclass(frozen=True)
class DisplayMessagesGet:
    """Report the messages held (all criteria must match; none given: every message), under
    `request_id`."""

    request_id: int
    message_ids: tuple[int, ...] = ()
    priority: str = ""
    state: str = ""


@dataclass(frozen=True)
class DisplayMessageClear:
    message_id: int


# Customer information (2.0.1 N09/N10) -------------------------------------------------------------
@dataclass(frozen=True)
class CustomerInformationGet:
    """Report (`report`) and/or delete (`clear`) what the station keeps of one customer, named
    by an identifier, an id token or a certificate's hash data; the report comes in parts
    under `request_id`."""

    request_id: int
    report: bool
    clear: bool
    customer_identifier: str = ""
    id_token: str = ""
    id_token_type: str = "ISO14443"
    certificate: dict | None = None  # hash_algorithm, issuer_name_hash, issuer_key_hash, serial_number
