"""Commands to stations, in no OCPP version's words: what we can ask (requests.py: plain frozen
requests and results) and how a request reaches the process that holds the station's socket and
comes back answered (sending.py). The services that ask (stations/services/station_commands.py
and the features' services) build a request; the adapter of the station's version words it."""
