"""OCPP 1.6 configuration keys as the OCPP 2.0.1 variables that hold the same setting.

The backend's features read and change a station's settings by their 1.6 names through the
neutral `ConfigurationGet`/`ConfigurationSet` requests (load management reads
ChargingScheduleAllowedChargingRateUnit, security sets AuthorizationKey). A 2.0.1 station keeps
them as variables of its controller components (docs/domain-model.md, the device model), so its
translator (stations/ocpp/v201/commands.py) words those requests as GetVariables/SetVariables of
the variable below and the answer back in 1.6's words. A key not in the table has no 2.0.1
variable the backend knows: the request cannot be carried (a ValueError, a 400 for the API).

Values are the same text in both versions except where a table entry says otherwise (the rate
unit: 1.6's Current/Power are 2.0.1's A/W)."""

from dataclasses import dataclass, field

from stations.security.profiles import configuration_key


@dataclass(frozen=True)
class KeyVariable:
    key: str  # the 1.6 name
    component: str
    variable: str
    variable_instance: str = ""
    # 2.0.1 value -> 1.6 value, item by item of a comma-separated list (absent: the same)
    words: dict[str, str] = field(default_factory=dict)

    def value_16(self, value: str) -> str:
        return ",".join(self.words.get(item.strip(), item.strip()) for item in value.split(","))

    def value_201(self, value: str) -> str:
        back = {v16: v201 for v201, v16 in self.words.items()}
        return ",".join(back.get(item.strip(), item.strip()) for item in value.split(","))


KEYS: tuple[KeyVariable, ...] = (
    KeyVariable("AuthorizationKey", "SecurityCtrlr", "BasicAuthPassword"),
    KeyVariable("SecurityProfile", "SecurityCtrlr", "SecurityProfile"),
    KeyVariable("HeartbeatInterval", "OCPPCommCtrlr", "HeartbeatInterval"),
    KeyVariable("WebSocketPingInterval", "OCPPCommCtrlr", "WebSocketPingInterval"),
    KeyVariable("ResetRetries", "OCPPCommCtrlr", "ResetRetries"),
    KeyVariable("TransactionMessageAttempts", "OCPPCommCtrlr", "MessageAttempts",
                "TransactionEvent"),
    KeyVariable("TransactionMessageRetryInterval", "OCPPCommCtrlr", "MessageAttemptInterval",
                "TransactionEvent"),
    KeyVariable("UnlockConnectorOnEVSideDisconnect", "OCPPCommCtrlr",
                "UnlockOnEVSideDisconnect"),
    KeyVariable("MeterValueSampleInterval", "SampledDataCtrlr", "TxUpdatedInterval"),
    KeyVariable("MeterValuesSampledData", "SampledDataCtrlr", "TxUpdatedMeasurands"),
    KeyVariable("StopTxnSampledData", "SampledDataCtrlr", "TxEndedMeasurands"),
    KeyVariable("ClockAlignedDataInterval", "AlignedDataCtrlr", "Interval"),
    KeyVariable("MeterValuesAlignedData", "AlignedDataCtrlr", "Measurands"),
    KeyVariable("StopTxnAlignedData", "AlignedDataCtrlr", "TxEndedMeasurands"),
    KeyVariable("ConnectionTimeOut", "TxCtrlr", "EVConnectionTimeOut"),
    KeyVariable("StopTransactionOnEVSideDisconnect", "TxCtrlr", "StopTxOnEVSideDisconnect"),
    KeyVariable("StopTransactionOnInvalidId", "TxCtrlr", "StopTxOnInvalidId"),
    KeyVariable("LocalAuthorizeOffline", "AuthCtrlr", "LocalAuthorizeOffline"),
    KeyVariable("LocalPreAuthorize", "AuthCtrlr", "LocalPreAuthorize"),
    KeyVariable("AllowOfflineTxForUnknownId", "AuthCtrlr", "OfflineTxForUnknownIdEnabled"),
    KeyVariable("AuthorizeRemoteTxRequests", "AuthCtrlr", "AuthorizeRemoteStart"),
    KeyVariable("AuthorizationCacheEnabled", "AuthCacheCtrlr", "Enabled"),
    KeyVariable("LocalAuthListEnabled", "LocalAuthListCtrlr", "Enabled"),
    KeyVariable("LocalAuthListMaxLength", "LocalAuthListCtrlr", "Entries"),
    KeyVariable("SendLocalListMaxLength", "LocalAuthListCtrlr", "ItemsPerMessage"),
    KeyVariable("ChargeProfileMaxStackLevel", "SmartChargingCtrlr", "ProfileStackLevel"),
    KeyVariable("ChargingScheduleMaxPeriods", "SmartChargingCtrlr", "PeriodsPerSchedule"),
    KeyVariable("MaxChargingProfilesInstalled", "SmartChargingCtrlr", "Entries",
                "ChargingProfiles"),
    KeyVariable("ChargingScheduleAllowedChargingRateUnit", "SmartChargingCtrlr", "RateUnit",
                words={"A": "Current", "W": "Power"}),
)

# What a GetConfiguration of every key asks for: not the password, which no station tells.
READABLE = tuple(k for k in KEYS if k.key != "AuthorizationKey")
_BY_KEY = {configuration_key(k.key): k for k in KEYS}
_BY_VARIABLE = {(k.component, k.variable, k.variable_instance): k for k in KEYS}


def known(key: str) -> bool:
    return configuration_key(key) in _BY_KEY


def variable_of_key(key: str) -> KeyVariable:
    """The 2.0.1 variable of a 1.6 key (keys compare as 1.6 stations do: any case, trimmed)."""
    try:
        return _BY_KEY[configuration_key(key)]
    except KeyError:
        raise ValueError(f"OCPP 2.0.1 has no variable known for the 1.6 key {key}.") from None


def key_of_variable(component: str, variable: str, instance: str = "") -> KeyVariable | None:
    return _BY_VARIABLE.get((component, variable, instance or ""))
