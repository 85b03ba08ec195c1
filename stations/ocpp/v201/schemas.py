"""OCPP 2.0.1 payload validation: the 2.0.1 schemas of the `ocpp` package
(`<Action>Request.json`, `<Action>Response.json`), through stations/ocpp/schemas.py."""

from pathlib import Path

import ocpp.v201

from stations.ocpp.schemas import SchemaSet

SCHEMA_DIR = Path(ocpp.v201.__file__).parent / "schemas"
SCHEMAS = SchemaSet(SCHEMA_DIR, request_suffix="Request")

validate = SCHEMAS.validate
check_integers = SCHEMAS.check_integers
is_known_action = SCHEMAS.is_known_action
