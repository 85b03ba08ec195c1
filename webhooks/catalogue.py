"""The event types a webhook endpoint can subscribe to, each with its payload's version
(docs/webhooks.md has every payload; webhooks/payloads.py builds them)."""

EVENT_TYPES: dict[str, str] = {
    "alert.opened": "An alert was opened (a station offline, a connector faulted, ...)",
    "alert.resolved": "An alert's condition cleared",
    "alert.summary": "A burst of alerts told as one (a fleet dropped at once)",
    "station.connected": "A station's WebSocket was accepted",
    "station.disconnected": "A station's WebSocket closed",
    "station.booted": "A station booted (BootNotification accepted)",
    "station.status_changed": "A connector's (or the station's) status changed",
    "session.started": "A charging session started",
    "session.stopped": "A station stopped a session",
    "session.priced": "A stopped session got its final price (or a corrected one)",
    "session.closed": "The backend closed a session the station never stopped",
    "invoice.issued": "An invoice or credit note was issued",
    "webhook.test": "A test event sent from the dashboard or the API",
}
PAYLOAD_VERSION = 1
