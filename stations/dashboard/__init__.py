"""The stations side of the dashboard beyond its pages (stations/views.py): the reads behind
them (selectors), the actions that send a command to a station and show its answer (actions),
and the browser's live feed socket (consumer, relaying stations/live.py's events)."""
