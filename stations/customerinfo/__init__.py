"""A driver's data held by a station (OCPP 2.0.1 N09/N10): the request to report or clear it, the
station's report in parts, and the local list kept right after a token's data is cleared
(docs/ocpp201.md "Customer information"). The model lives in stations/models/."""
