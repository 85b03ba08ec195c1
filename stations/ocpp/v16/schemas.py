"""OCPP 1.6 payload validation: the 1.6 schemas of the `ocpp` package (with the Security
extension's), through stations/ocpp/schemas.py. The module's functions are the set's methods."""

from pathlib import Path

import ocpp.v16

from stations.ocpp.schemas import SchemaSet

SCHEMA_DIR = Path(ocpp.v16.__file__).parent / "schemas"
SCHEMAS = SchemaSet(SCHEMA_DIR)

validate = SCHEMAS.validate
check_integers = SCHEMAS.check_integers
is_known_action = SCHEMAS.is_known_action
schema_names = SCHEMAS.schema_names


def _actions() -> frozenset[str]:
    return SCHEMAS.actions
