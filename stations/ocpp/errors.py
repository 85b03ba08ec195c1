"""CALLERROR codes. `code` is how OCPP-J 1.6 (section 4.2.3) spells an error; `codes` holds how
another version spells it where that differs (OCPP-J 2.0.1, Part 4 section 4.3: FormatViolation,
OccurrenceConstraintViolation, and RpcFrameworkError / MessageTypeNotSupported for frames 1.6
answers with FormationViolation or ProtocolError). A version's router answers with
`code_in(error, version)`."""


class OcppError(Exception):
    code = "GenericError"
    codes: dict[str, str] = {}  # version -> its name for this error, where not `code`

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
    codes = {"2.0.1": "FormatViolation"}


class PropertyConstraintViolation(OcppError):
    code = "PropertyConstraintViolation"


class OccurenceConstraintViolation(OcppError):
    code = "OccurenceConstraintViolation"
    codes = {"2.0.1": "OccurrenceConstraintViolation"}


class TypeConstraintViolation(OcppError):
    code = "TypeConstraintViolation"


class GenericError(OcppError):
    code = "GenericError"


class RpcFrameworkError(FormationViolation):
    """A frame that is no OCPP-J message at all (not JSON, not an array, no string id)."""

    codes = {"2.0.1": "RpcFrameworkError"}


class FrameShapeError(ProtocolError):
    """An OCPP-J array with the wrong number or kind of elements."""

    codes = {"2.0.1": "RpcFrameworkError"}


class MessageTypeNotSupported(ProtocolError):
    """An OCPP-J message type number the version does not know."""

    codes = {"2.0.1": "MessageTypeNotSupported"}


def code_in(error: OcppError, version: str) -> str:
    """The name `version` gives `error` in a CALLERROR."""
    return error.codes.get(version, error.code)
