"""Sites: locations that group stations, with a map (docs/locations.md). The model is the station
core's (stations/models/location.py): a station knows its location."""
