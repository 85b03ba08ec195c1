"""OCPP-J 1.6 CALLERROR codes, as section 4.2.3 of the OCPP-J 1.6 specification spells them."""


class OcppError(Exception):
    code = "GenericError"

    def __init__(self, description: str = "", details: dict | None = None):
        super().__init__(description)
        self.description = description
        self.details = details or {}


class NotImplementedAction(OcppError):
    code = "NotImplemented"


class NotSupported(OcppError):
    code = "NotSupported"


class InternalError(OcppError):
    code = "InternalError"


class ProtocolError(OcppError):
    code = "ProtocolError"


class SecurityError(OcppError):
    code = "SecurityError"


class FormationViolation(OcppError):
    code = "FormationViolation"


class PropertyConstraintViolation(OcppError):
    code = "PropertyConstraintViolation"


class OccurenceConstraintViolation(OcppError):
    code = "OccurenceConstraintViolation"


class TypeConstraintViolation(OcppError):
    code = "TypeConstraintViolation"


class GenericError(OcppError):
    code = "GenericError"
