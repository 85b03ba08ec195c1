"""The OCA central-system test cases for OCPP 1.6-J Full and the Security extension, and for
OCPP 2.0.1 by functional block (the catalogues of docs/conformance.md), which scenario of
tests/conformance (1.6) or tests/conformance/v201 (2.0.1) proves each, and a pytest plugin that
records the scenarios' outcomes for `manage.py conformance`.

A scenario is found by its name: `test_tc_<id>_<slug>` (TC_044_1 -> test_tc_044_1_..., B_01 ->
test_tc_b_01_...). The 2.0.1 blocks this release does not cover yet are listed too: their cases
report `later` unless a scenario proves them. This module imports no Django: pytest loads it as a
plugin (`-p cpms.conformance`) before Django is set up.
"""

import json
import os
import re
from dataclasses import dataclass

RESULTS_ENV = "CONFORMANCE_RESULTS"  # where the plugin writes {test name: outcome}
ONLY_ENV = "CONFORMANCE_ONLY"  # comma-separated case ids: run only their scenarios
# 1: every scenario runs against one tenant, one station and one valid card, in the catalogue's
# order, nothing reset between cases: as the OCA tool runs them (tests/conformance/conftest.py)
SHARED_ENV = "CONFORMANCE_SHARED"


@dataclass(frozen=True)
class Case:
    id: str
    title: str
    profile: str  # 1.6: the profile; 2.0.1: the functional block
    ocpp: str = "1.6"
    in_release: bool = True  # False: a block this release does not cover yet (reported `later`)


_CORE = "Core"
_LOCAL = "Local Auth List Management"
_FIRMWARE = "Firmware Management"
_RESERVATION = "Reservation"
_TRIGGER = "Remote Trigger"
_SMART = "Smart Charging"
_SECURITY = "Security extension"

CATALOGUE_16: tuple[Case, ...] = tuple(Case(*row) for row in (
    ("TC_001", "Cold Boot Charge Point", _CORE),
    ("TC_003", "Regular Charging Session – Plugin First", _CORE),
    ("TC_004_1", "Regular Charging Session – Identification First", _CORE),
    ("TC_004_2", "Regular Charging Session – Identification First – ConnectionTimeOut", _CORE),
    ("TC_005_1", "EV Side Disconnected", _CORE),
    ("TC_007", "Regular Start Charging Session – Cached Id", _CORE),
    ("TC_061", "Clear Authorization Data in Authorization Cache", _CORE),
    ("TC_010", "Remote Start Charging Session – Cable Plugged in First", _CORE),
    ("TC_011_1", "Remote Start Charging Session – Remote Start First", _CORE),
    ("TC_011_2", "Remote Start Charging Session – Time Out", _CORE),
    ("TC_012", "Remote Stop Charging Session", _CORE),
    ("TC_013", "Hard Reset Without Transaction", _CORE),
    ("TC_014", "Soft Reset Without Transaction", _CORE),
    ("TC_017_1", "Unlock Connector – No Charging Session (not fixed cable)", _CORE),
    ("TC_017_2", "Unlock Connector – No Charging Session (fixed cable)", _CORE),
    ("TC_018_1", "Unlock Connector – With Charging Session", _CORE),
    ("TC_019_1", "Retrieve All Configuration Keys", _CORE),
    ("TC_019_2", "Retrieve Specific Configuration Key", _CORE),
    ("TC_021", "Change/Set Configuration", _CORE),
    ("TC_023_1", "Start Charging Session – Authorize Invalid", _CORE),
    ("TC_023_2", "Start Charging Session – Authorize Expired", _CORE),
    ("TC_023_3", "Start Charging Session – Authorize Blocked", _CORE),
    ("TC_024", "Start Charging Session Lock Failure", _CORE),
    ("TC_026", "Remote Start Charging Session – Rejected", _CORE),
    ("TC_028", "Remote Stop Transaction – Rejected", _CORE),
    ("TC_030", "Unlock Connector – Unlock Failure", _CORE),
    ("TC_031", "Unlock Connector – Unknown Connector", _CORE),
    ("TC_032_1", "Power Failure Boot Charging Point – Stop Transaction(s)", _CORE),
    ("TC_037_1", "Offline Start Transaction – Valid IdTag", _CORE),
    ("TC_037_3", "Offline Start Transaction – Invalid IdTag", _CORE),
    ("TC_039", "Offline Transaction", _CORE),
    ("TC_040_1", "Configuration Keys – NotSupported", _CORE),
    ("TC_040_2", "Configuration Keys – Invalid Value", _CORE),
    ("TC_064", "Data Transfer to a Central System", _CORE),
    ("TC_042_1", "Get Local List Version (not supported)", _LOCAL),
    ("TC_042_2", "Get Local List Version (empty)", _LOCAL),
    ("TC_043_1", "Send Local Authorization List – NotSupported", _LOCAL),
    ("TC_043_3", "Send Local Authorization List – Failed", _LOCAL),
    ("TC_043_4", "Send Local Authorization List – Full", _LOCAL),
    ("TC_043_5", "Send Local Authorization List – Differential", _LOCAL),
    ("TC_044_1", "Firmware Update – Download and Install", _FIRMWARE),
    ("TC_044_2", "Firmware Update – Download Failed", _FIRMWARE),
    ("TC_044_3", "Firmware Update – Installation Failed", _FIRMWARE),
    ("TC_045_1", "Get Diagnostics of a Charge Point", _FIRMWARE),
    ("TC_046", "Reservation of a Connector – Transaction", _RESERVATION),
    ("TC_047", "Reservation of a Connector – Expire", _RESERVATION),
    ("TC_048_1", "Reservation of a Connector – Faulted", _RESERVATION),
    ("TC_048_2", "Reservation of a Connector – Occupied", _RESERVATION),
    ("TC_048_3", "Reservation of a Connector – Unavailable", _RESERVATION),
    ("TC_048_4", "Reservation of a Connector – Rejected", _RESERVATION),
    ("TC_049", "Reservation of a Charge Point – Transaction", _RESERVATION),
    ("TC_051", "Cancel Reservation", _RESERVATION),
    ("TC_052", "Cancel Reservation – Rejected", _RESERVATION),
    ("TC_054", "Trigger Message", _TRIGGER),
    ("TC_055", "Trigger Message – Rejected", _TRIGGER),
    ("TC_056", "Central Smart Charging – TxDefaultProfile", _SMART),
    ("TC_057", "Central Smart Charging – TxProfile", _SMART),
    ("TC_059", "Remote Start Transaction with Charging Profile", _SMART),
    ("TC_066", "Get Composite Schedule", _SMART),
    ("TC_067", "Clear Charging Profile", _SMART),
    ("TC_073", "Update Charge Point Password for HTTP Basic Authentication", _SECURITY),
    ("TC_074", "Update Charge Point Certificate by Request of Central System", _SECURITY),
    ("TC_075_1", "Install a certificate on the Charge Point (ManufacturerRootCertificate)", _SECURITY),
    ("TC_075_2", "Install a certificate on the Charge Point (CentralSystemRootCertificate)", _SECURITY),
    ("TC_076", "Delete a specific certificate from the Charge Point", _SECURITY),
    ("TC_077", "Invalid ChargePointCertificate Security Event", _SECURITY),
    ("TC_078", "Invalid CentralSystemCertificate Security Event", _SECURITY),
    ("TC_079", "Get Security Log", _SECURITY),
    ("TC_080", "Secure Firmware Update", _SECURITY),
    ("TC_081", "Secure Firmware Update – Invalid Signature", _SECURITY),
    ("TC_083", "Upgrade Charge Point Security Profile – Accepted", _SECURITY),
    ("TC_085", "Basic Authentication – Valid username/password combination", _SECURITY),
    ("TC_086", "TLS – server-side certificate – Valid certificate (profile 2)", _SECURITY),
    ("TC_087", "TLS – Client-side certificate – Valid certificate (profile 3)", _SECURITY),
    ("TC_088", "WebSocket Subprotocol validation", _SECURITY),
))

# OCPP 2.0.1: the OCA's central-system cases by functional block (ids without the tool's
# TC_ prefix and _CSMS suffix: TC_B_01_CSMS -> B_01).
_A = "A Security"
_B = "B Provisioning"
_C = "C Authorization"
_D = "D Local authorization list"
_E = "E Transactions"
_F = "F Remote control"
_G = "G Availability"
_H = "H Reservation"
_I = "I Tariff and cost"
_J = "J Meter values"
_K = "K Smart charging"
_L = "L Firmware management"
_M = "M ISO 15118 certificate management"
_N = "N Diagnostics"
_O = "O Display message"
_P = "P Data transfer"

# Every functional block of OCPP 2.0.1 that applies to a central system is in this release; a
# block left out of a later release (or a case of one, as Plug & Charge's C_50-C_52 once were)
# would be listed here so that its cases report `later` instead of `missing`.
_RELEASE_201 = frozenset((_A, _B, _C, _D, _E, _F, _G, _H, _I, _J, _K, _L, _M, _N, _O, _P))
_LATER_201: frozenset[str] = frozenset()

CATALOGUE_201: tuple[Case, ...] = tuple(
    Case(*row, ocpp="2.0.1", in_release=row[2] in _RELEASE_201 and row[0] not in _LATER_201)
    for row in (
    ("A_01", "Basic Authentication – Valid username/password combination", _A),
    ("A_02", "Basic Authentication – Username does not equal ChargingStationId", _A),
    ("A_03", "Basic Authentication – Invalid password", _A),
    ("A_04", "TLS – server-side certificate – Valid certificate", _A),
    ("A_06", "TLS – server-side certificate – TLS version too low", _A),
    ("A_07", "TLS – Client-side certificate – valid certificate", _A),
    ("A_08", "TLS – Client-side certificate – Invalid certificate", _A),
    ("A_09", "Update Charging Station Password for HTTP Basic Authentication – Accepted", _A),
    ("A_10", "Update Charging Station Password for HTTP Basic Authentication – Rejected", _A),
    ("A_11",
     "Update Charging Station Certificate by request of CSMS – Success – Charging Station Certificate", _A),
    ("A_12",
     "Update Charging Station Certificate by request of CSMS – Success – V2G Certificate", _A),
    ("A_13",
     "Update Charging Station Certificate by request of CSMS – Success – Combined Certificate", _A),
    ("A_14", "Update Charging Station Certificate by request of CSMS – Invalid certificate", _A),
    ("A_19", "Upgrade Charging Station Security Profile – Accepted", _A),
    ("B_01", "Cold Boot Charging Station – Accepted", _B),
    ("B_02", "Cold Boot Charging Station – Pending", _B),
    ("B_06", "Get Variables – single value", _B),
    ("B_07", "Get Variables – multiple values", _B),
    ("B_08", "Get Variables – limit to maximum number of values", _B),
    ("B_09", "Set Variables – single value", _B),
    ("B_10", "Set Variables – multiple values", _B),
    ("B_12", "Get Base Report – ConfigurationInventory", _B),
    ("B_13", "Get Base Report – FullInventory", _B),
    ("B_14", "Get Base Report – SummaryInventory", _B),
    ("B_18", "Get Custom Report – with componentCriteria and component/variables", _B),
    ("B_20", "Reset Charging Station – Without ongoing transaction – OnIdle", _B),
    ("B_21", "Reset Charging Station – With Ongoing Transaction – OnIdle", _B),
    ("B_22", "Reset Charging Station – With Ongoing Transaction – Immediate", _B),
    ("B_25", "Reset EVSE – Without ongoing transaction", _B),
    ("B_26", "Reset EVSE – With Ongoing Transaction – OnIdle", _B),
    ("B_27", "Reset EVSE – With Ongoing Transaction – Immediate", _B),
    ("B_30", "Cold Boot Charging Station – Pending/Rejected – SecurityError", _B),
    ("B_31", "Cold Boot Charging Station – Pending/Rejected – TriggerMessage", _B),
    ("B_42", "Set new NetworkConnectionProfile – Accepted", _B),
    ("B_44", "Set new NetworkConnectionProfile – Failed", _B),
    ("B_58", "WebSocket Subprotocol validation", _B),
    ("C_02", "Local start transaction – Authorization Invalid/Unknown", _C),
    ("C_06", "Local start transaction – Authorization Blocked", _C),
    ("C_07", "Local start transaction – Authorization Expired", _C),
    ("C_08", "Authorization through authorization cache – Accepted", _C),
    ("C_20", "Authorization through authorization cache – Invalid", _C),
    ("C_37", "Clear Authorization Data in Authorization Cache – Accepted", _C),
    ("C_38", "Clear Authorization Data in Authorization Cache – Rejected", _C),
    ("C_39", "Authorization by GroupId – Success", _C),
    ("C_40", "Authorization by GroupId – Success with Local Authorization List", _C),
    ("C_43", "Authorization by GroupId – Invalid status with Local Authorization List", _C),
    ("C_47", "Stop Transaction with a Master Pass – With UI – All transactions", _C),
    ("C_48", "Stop Transaction with a Master Pass – With UI – Specific transactions", _C),
    ("C_49", "Stop Transaction with a Master Pass – Without UI", _C),
    ("C_50",
     "Authorization using Contract Certificates 15118 – Online – Local contract "
     "certificate validation – Accepted", _C),
    ("C_51",
     "Authorization using Contract Certificates 15118 – Online – Local contract "
     "certificate validation – Rejected", _C),
    ("C_52",
     "Authorization using Contract Certificates 15118 – Online – Central contract "
     "certificate validation – Accepted", _C),
    ("D_01", "Send Local Authorization List – Full", _D),
    ("D_02", "Send Local Authorization List – Differential Update", _D),
    ("D_03", "Send Local Authorization List – Differential Remove", _D),
    ("D_04", "Send Local Authorization List – Full with empty list", _D),
    ("D_08", "Get Local List Version – Success", _D),
    ("D_09", "Get Local List Version – No list available", _D),
    ("E_01", "Start transaction options – PowerPathClosed", _E),
    ("E_02", "Start transaction options – EnergyTransfer", _E),
    ("E_03", "Local start transaction – Cable plugin first – Success", _E),
    ("E_04", "Local start transaction – Authorization first – Success", _E),
    ("E_07", "Stop transaction options – PowerPathClosed – Local stop", _E),
    ("E_08", "Stop transaction options – EnergyTransfer stopped – StopAuthorized", _E),
    ("E_09", "Start transaction options – EVConnected", _E),
    ("E_10", "Start transaction options – Authorized – Local", _E),
    ("E_11", "Start transaction options – DataSigned", _E),
    ("E_12", "Start transaction options – ParkingBayOccupied", _E),
    ("E_14", "Stop transaction options – EVDisconnected – Charging Station side", _E),
    ("E_15", "Stop transaction options – StopAuthorized – Local", _E),
    ("E_16", "Stop transaction options – Deauthorized – Invalid idToken", _E),
    ("E_17", "Stop transaction options – Deauthorized – EV side disconnect", _E),
    ("E_19", "Stop transaction options – ParkingBayUnoccupied", _E),
    ("E_20", "Stop transaction options – EVDisconnected – EV side (IEC 61851-1)", _E),
    ("E_21", "Stop transaction options – StopAuthorized – Remote", _E),
    ("E_22", "Stop transaction options – EnergyTransfer stopped – SuspendedEV", _E),
    ("E_26", "Disconnect cable on EV-side – Suspend transaction", _E),
    ("E_29", "Check Transaction status – Transaction with id ongoing – with message in queue", _E),
    ("E_30",
     "Check Transaction status – Transaction with id ongoing – without message in queue", _E),
    ("E_31", "Check Transaction status – Transaction with id ended – with message in queue", _E),
    ("E_33", "Check Transaction status – Without transactionId – with message in queue", _E),
    ("E_34", "Check Transaction status – Without transactionId – without message in queue", _E),
    ("E_38", "Local start transaction – EV not ready", _E),
    ("E_39", "Stop transaction options – Deauthorized – timeout", _E),
    ("E_53", "Reset Sequence Number – CSMS accepting seqNo = 0 at start of transaction", _E),
    ("F_01", "Remote start transaction – Cable plugin first", _F),
    ("F_02", "Remote start transaction – Remote start first – AuthorizeRemoteStart is true", _F),
    ("F_03", "Remote start transaction – Remote start first – AuthorizeRemoteStart is false", _F),
    ("F_04", "Remote start transaction – Remote start first – Cable plugin timeout", _F),
    ("F_06", "Remote unlock Connector – Without ongoing transaction – Accepted", _F),
    ("F_11", "Trigger message – MeterValues – Specific EVSE", _F),
    ("F_12", "Trigger message – MeterValues – All EVSE", _F),
    ("F_13", "Trigger message – TransactionEvent – Specific EVSE", _F),
    ("F_14", "Trigger message – TransactionEvent – All EVSE", _F),
    ("F_15", "Trigger message – LogStatusNotification – Idle", _F),
    ("F_18", "Trigger message – FirmwareStatusNotification – Idle", _F),
    ("F_20", "Trigger message – Heartbeat", _F),
    ("F_23", "Trigger message – StatusNotification – Specific EVSE – Available", _F),
    ("F_24", "Trigger message – StatusNotification – Specific EVSE – Occupied", _F),
    ("F_27", "Trigger message – NotImplemented", _F),
    ("G_03", "Change Availability EVSE – Operative to inoperative", _G),
    ("G_04", "Change Availability EVSE – Inoperative to operative", _G),
    ("G_05", "Change Availability Charging Station – Operative to inoperative", _G),
    ("G_06", "Change Availability Charging Station – Inoperative to operative", _G),
    ("G_07", "Change Availability Connector – Operative to inoperative", _G),
    ("G_08", "Change Availability Connector – Inoperative to operative", _G),
    ("G_11", "Change Availability EVSE – With ongoing transaction", _G),
    ("G_14", "Change Availability Charging Station – With ongoing transaction", _G),
    ("G_17", "Change Availability Connector – With ongoing transaction", _G),
    ("G_20", "Connector status Notification – Lock Failure", _G),
    ("H_01", "Reserve a specific EVSE – Accepted – Valid idToken", _H),
    ("H_07", "Reserve a specific EVSE – Reservation Ended / not used", _H),
    ("H_08", "Reserve an unspecified EVSE – Accepted", _H),
    ("H_14",
     "Reserve an unspecified EVSE – Amount of EVSEs available equals the amount of reservations", _H),
    ("H_15", "Reserve a connector with a specific type – Success", _H),
    ("H_17", "Cancel reservation of an EVSE – Success", _H),
    ("H_19", "Reserve a specific EVSE – Use a reserved EVSE with GroupId", _H),
    ("H_20", "Charging Station cancels reservation when Faulted", _H),
    ("H_22", "Reserve a specific EVSE – Configured to Reject", _H),
    ("I_01", "Show EV Driver running total cost during charging – costUpdatedRequest", _I),
    ("I_02", "Show EV Driver Final Total Cost After Charging", _I),
    ("J_01", "Clock-aligned Meter Values – No transaction ongoing", _J),
    ("J_02", "Clock-aligned Meter Values – Transaction ongoing", _J),
    ("J_03", "Clock-aligned Meter Values – EventType Ended", _J),
    ("J_04", "Clock-aligned Meter Values – Signed", _J),
    ("J_07", "Sampled Meter Values – EventType Started – EVSE known", _J),
    ("J_08", "Sampled Meter Values – Context Transaction.Begin – EVSE not known", _J),
    ("J_09", "Sampled Meter Values – EventType Updated", _J),
    ("J_10", "Sampled Meter Values – EventType Ended", _J),
    ("J_11", "Sampled Meter Values – Signed", _J),
    ("K_01", "Set Charging Profile – TxDefaultProfile – Specific EVSE", _K),
    ("K_02",
     "Set Charging Profile – TxProfile without ongoing transaction on the specified EVSE", _K),
    ("K_03", "Set Charging Profile – ChargingStationMaxProfile", _K),
    ("K_04", "Replace charging profile – With chargingProfileId", _K),
    ("K_05", "Clear Charging Profile – With chargingProfileId", _K),
    ("K_06", "Clear Charging Profile – With stackLevel/purpose combination for one profile", _K),
    ("K_08", "Clear Charging Profile – Without previous charging profile", _K),
    ("K_10", "Set Charging Profile – TxDefaultProfile – All EVSE", _K),
    ("K_15", "Set Charging Profile – Not Supported", _K),
    ("K_19", "Set Charging Profile – ChargingProfileKind is Recurring", _K),
    ("K_29", "Get Charging Profile – EvseId 0", _K),
    ("K_30", "Get Charging Profile – EvseId > 0", _K),
    ("K_31", "Get Charging Profile – No EvseId", _K),
    ("K_32", "Get Charging Profile – chargingProfileId", _K),
    ("K_33", "Get Charging Profile – EvseId > 0 + stackLevel", _K),
    ("K_34", "Get Charging Profile – EvseId > 0 + chargingLimitSource", _K),
    ("K_35", "Get Charging Profile – EvseId > 0 + chargingProfilePurpose", _K),
    ("K_36", "Get Charging Profile – EvseId > 0 + chargingProfilePurpose + stackLevel", _K),
    ("K_37", "Remote start transaction with charging profile – Success", _K),
    ("K_43", "Get Composite Schedule – Specific EVSE", _K),
    ("K_44", "Get Composite Schedule – Charging Station", _K),
    ("K_48", "Set / Update External Charging Limit (not on a transaction)", _K),
    ("K_50", "Reset / release external charging limit – Without ongoing transaction", _K),
    ("K_51", "Reset / release external charging limit – With ongoing transaction", _K),
    ("K_52",
     "Set / Update External Charging Limit – ChargingStationExternalConstraints in report", _K),
    ("K_53", "Charging with load leveling based on High Level Communication – Success", _K),
    ("K_55", "Charging with load leveling – EV charging profile exceeds limits", _K),
    ("K_57", "Renegotiating a Charging Schedule – Initiated by EV", _K),
    ("K_58", "Renegotiating a Charging Schedule – Initiated by CSMS", _K),
    ("K_59",
     "Renegotiating a Charging Schedule – Initiated by CSMS – Send NotifyEVChargingNeeds", _K),
    ("K_60", "Set Charging Profile – TxProfile with ongoing transaction on the specified EVSE", _K),
    ("K_70", "Set Charging Profile – Multiple Profiles", _K),
    ("L_01", "Secure Firmware Update – Installation successful", _L),
    ("L_02", "Secure Firmware Update – InstallScheduled", _L),
    ("L_03", "Secure Firmware Update – DownloadScheduled", _L),
    ("L_04", "Secure Firmware Update – RevokedCertificate", _L),
    ("L_05", "Secure Firmware Update – InvalidCertificate", _L),
    ("L_06", "Secure Firmware Update – InvalidSignature", _L),
    ("L_07", "Secure Firmware Update – DownloadFailed", _L),
    ("L_08", "Secure Firmware Update – InstallVerificationFailed", _L),
    ("L_09", "Secure Firmware Update – InstallationFailed", _L),
    ("L_10", "Secure Firmware Update – AcceptedCanceled", _L),
    ("L_11", "Secure Firmware Update – Unable to cancel", _L),
    ("L_13",
     "Secure Firmware Update – Ongoing transaction, AllowNewSessionsPendingFirmwareUpdate=false", _L),
    ("L_17", "Publish Firmware – Published", _L),
    ("L_19", "Publish Firmware – Invalid Checksum", _L),
    ("L_20", "Publish Firmware – PublishFailed", _L),
    ("L_21", "Unpublish Firmware – Unpublished", _L),
    ("L_22", "Unpublish Firmware – NoFirmware", _L),
    ("L_23", "Unpublish Firmware – Download Ongoing", _L),
    ("L_24", "Publish Firmware – Download failed", _L),
    ("M_01", "Install CA certificate – CSMSRootCertificate", _M),
    ("M_02", "Install CA certificate – ManufacturerRootCertificate", _M),
    ("M_03", "Install CA certificate – V2GRootCertificate", _M),
    ("M_04", "Install CA certificate – MORootCertificate", _M),
    ("M_05", "Install CA certificate – Failed", _M),
    ("M_12", "Retrieve certificates from Charging Station – CSMSRootCertificate", _M),
    ("M_13", "Retrieve certificates from Charging Station – ManufacturerRootCertificate", _M),
    ("M_14", "Retrieve certificates from Charging Station – V2GRootCertificate", _M),
    ("M_15", "Retrieve certificates from Charging Station – V2GCertificateChain", _M),
    ("M_16", "Retrieve certificates from Charging Station – MORootCertificate", _M),
    ("M_17",
     "Retrieve certificates from Charging Station – CSMSRootCertificate & ManufacturerRootCertificate", _M),
    ("M_18", "Retrieve certificates from Charging Station – All certificateTypes", _M),
    ("M_19", "Retrieve certificates from Charging Station – No matching certificate found", _M),
    ("M_20", "Delete a certificate from a Charging Station – Success", _M),
    ("M_21", "Delete a certificate from a Charging Station – Failed", _M),
    ("M_24", "Get Charging Station Certificate status – Success", _M),
    ("M_26", "Certificate Installation EV – Success", _M),
    ("M_28", "Certificate Update EV – Success", _M),
    ("N_01", "Get Monitoring Report – with monitoringCriteria", _N),
    ("N_02", "Get Monitoring Report – with component/variable", _N),
    ("N_03", "Get Monitoring Report – with component criteria and component/variable", _N),
    ("N_05", "Set Monitoring Base – success", _N),
    ("N_08", "Set Variable Monitoring – One SetMonitoringData element", _N),
    ("N_09", "Set Variable Monitoring – Multiple elements on different component and variable", _N),
    ("N_16", "Set Monitoring Level – Success", _N),
    ("N_17", "Set Monitoring Level – Out of range", _N),
    ("N_18", "Clear Monitoring – Too many elements", _N),
    ("N_21", "Alert Event – HardWiredMonitor", _N),
    ("N_24", "Set Variable Monitoring – Periodic event", _N),
    ("N_25", "Retrieve Log Information – Diagnostics Log – Success", _N),
    ("N_27", "Get Customer Information – Accepted + data", _N),
    ("N_28", "Get Customer Information – Accepted + no data", _N),
    ("N_29", "Get Customer Information – Not Accepted", _N),
    ("N_30", "Clear Customer Information – Clear and report + data", _N),
    ("N_31", "Clear Customer Information – Clear and report + no data", _N),
    ("N_32", "Clear Customer Information – Clear and no report", _N),
    ("N_34", "Retrieve Log Information – Rejected", _N),
    ("N_35", "Retrieve Log Information – Security Log – Success", _N),
    ("N_36", "Retrieve Log Information – Second Request", _N),
    ("N_44", "Clear Monitoring – Rejected", _N),
    ("N_46", "Clear Customer Information – Update Local Authorization List", _N),
    ("N_47", "Get Monitoring report – Report all", _N),
    ("N_48", "Alert Event – Variable monitoring on write only", _N),
    ("N_49", "Alert Event – LowerThreshold/UpperThreshold cleared after reboot", _N),
    ("N_50", "Alert Event – Periodic Triggered", _N),
    ("N_60",
     "Get Monitoring Report – with component criteria and list of components/variables", _N),
    ("N_62", "Clear Customer Information – Clear and report – customerIdentifier", _N),
    ("N_63", "Clear Customer Information – Clear and report – customerCertificate", _N),
    ("O_01", "Set Display Message – Success", _O),
    ("O_02", "Get all Display Messages – Success", _O),
    ("O_03", "Get all Display Messages – No DisplayMessages configured", _O),
    ("O_04", "Clear Display Message – Success", _O),
    ("O_05", "Clear Display Message – Unknown Key", _O),
    ("O_06", "Set Display Message – Specific transaction – Success", _O),
    ("O_07", "Get a Specific Display Message – Id", _O),
    ("O_08", "Get a Specific Display Message – Priority", _O),
    ("O_09", "Get a Specific Display Message – State", _O),
    ("O_10", "Set Display Message – Specific transaction – UnknownTransaction", _O),
    ("O_11", "Get a Specific Display Message – Unknown parameters", _O),
    ("O_12", "Set Display Message – Replace DisplayMessage", _O),
    ("O_13", "Set Display Message – Display message at StartTime", _O),
    ("O_14", "Set Display Message – Remove message after EndTime", _O),
    ("O_17", "Set Display Message – NotSupportedPriority", _O),
    ("O_18", "Set Display Message – NotSupportedState", _O),
    ("O_19", "Set Display Message – NotSupportedMessageFormat", _O),
    ("O_25", "Set Display Message – Send Specific state", _O),
    ("O_26", "Set Display Message – Rejected", _O),
    ("O_27", "Set Display Message – Specific transaction – Display message at StartTime", _O),
    ("O_28", "Set Display Message – Specific transaction – Remove message after EndTime", _O),
    ("P_02", "Data Transfer to the CSMS – Rejected / Unknown VendorId / Unknown MessageId", _P),
    ("P_03", "CustomData – Receive custom data", _P),
))

VERSIONS = ("1.6", "2.0.1")
CATALOGUE: tuple[Case, ...] = CATALOGUE_16 + CATALOGUE_201
CASE_IDS = frozenset(case.id for case in CATALOGUE)


def case_id(text: str) -> str:
    """A case id as the user may type it: `tc_031` -> TC_031, `b_01` or the tool's `TC_B_01_CSMS`
    -> B_01."""
    text = text.upper().removesuffix("_CSMS")
    return text.removeprefix("TC_") if re.fullmatch(r"TC_[A-Z]_\d+", text) else text


def _stem(case_id: str) -> str:
    """What a scenario's name starts with after `test_`: tc_004_1 for TC_004_1, tc_b_01 for B_01."""
    lowered = case_id.lower()
    return lowered if lowered.startswith("tc_") else f"tc_{lowered}"


def case_of(test_name: str) -> str | None:
    """The case a scenario proves, from its name: the longest catalogue id it is named after
    (`test_tc_004_1_x[param]` -> TC_004_1, `test_tc_b_01_cold_boot` -> B_01), or None."""
    name = test_name.rsplit("::", 1)[-1].split("[", 1)[0].lower()
    if not name.startswith("test_tc_"):
        return None
    rest = name.removeprefix("test_")
    matches = [case_id for case_id in CASE_IDS if rest.startswith(_stem(case_id) + "_")]
    return max(matches, key=len, default=None)


def case_outcomes(test_outcomes: dict[str, str]) -> dict[str, str]:
    """{case id: pass|fail|skip} from {test name: passed|failed|skipped}; a case fails when any of
    its scenarios (or their parameters) fails and passes when the rest pass."""
    by_case: dict[str, set[str]] = {}
    for test_name, outcome in test_outcomes.items():
        case_id = case_of(test_name)
        if case_id is not None:
            by_case.setdefault(case_id, set()).add(outcome)
    result = {}
    for case_id, outcomes in by_case.items():
        if "failed" in outcomes:
            result[case_id] = "fail"
        elif "passed" in outcomes:
            result[case_id] = "pass"
        else:
            result[case_id] = "skip"
    return result


def report(cases: list[Case], outcomes: dict[str, str]) -> tuple[list[str], bool]:
    """The report's lines (each case, by profile, then a summary) and whether all of them pass.
    A case without a scenario is `missing` (`later` in a block this release does not cover, which
    does not count against the run); a skipped one does not pass."""
    lines, profile, counts = [], None, {}
    for case in cases:
        if case.profile != profile:
            profile = case.profile
            lines.append(profile)
        outcome = outcomes.get(case.id, "missing" if case.in_release else "later")
        counts[outcome] = counts.get(outcome, 0) + 1
        lines.append(f"  {outcome:<8} {case.id:<9} {case.title}")
    order = ("pass", "fail", "skip", "missing", "later")
    summary = ", ".join(f"{counts[o]} {o}" for o in order if counts.get(o))
    lines.append(f"{len(cases)} case{'' if len(cases) == 1 else 's'}: {summary}")
    return lines, counts.get("pass", 0) + counts.get("later", 0) == len(cases)


def catalogue_order(test_names: list[str]) -> list[int]:
    """The positions of the scenarios among `test_names`, rearranged in the catalogue's order
    (the OCA tool's): the i-th scenario to run is test_names[result[i]]. A case's several
    scenarios keep their order; names of no case are left out."""
    rank = {case.id: n for n, case in enumerate(CATALOGUE)}
    found = [(rank[case_id], n) for n, name in enumerate(test_names)
             if (case_id := case_of(name)) is not None]
    return [n for _, n in sorted(found)]


def only_filter(test_names: list[str], only: set[str]) -> list[bool]:
    """Which of `test_names` prove one of the `only` cases."""
    return [case_of(name) in only for name in test_names]


# The pytest plugin -----------------------------------------------------------------------
_outcomes: dict[str, str] = {}
_uncollected: list[str] = []  # scenario files that failed to import: their cases show `missing`


def pytest_collection_modifyitems(config, items):
    only = {case_id for case_id in os.environ.get(ONLY_ENV, "").split(",") if case_id}
    if not only:
        return
    keep = only_filter([item.name for item in items], only)
    config.hook.pytest_deselected(items=[item for item, k in zip(items, keep, strict=True) if not k])
    items[:] = [item for item, k in zip(items, keep, strict=True) if k]


def pytest_collectreport(report):
    if report.failed:
        _uncollected.append(report.nodeid)


def pytest_runtest_logreport(report):
    name = report.nodeid.rsplit("::", 1)[-1]
    if report.failed:
        _outcomes[name] = "failed"
    elif report.skipped and _outcomes.get(name) != "failed":
        _outcomes[name] = "skipped"
    elif report.when == "call" and report.passed:
        _outcomes.setdefault(name, "passed")


def pytest_sessionfinish(session, exitstatus):
    path = os.environ.get(RESULTS_ENV)
    if path:
        with open(path, "w") as out:
            json.dump({"outcomes": _outcomes, "uncollected": _uncollected}, out)
