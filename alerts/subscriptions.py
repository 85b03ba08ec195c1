"""What this app reacts to: domain events (stations/events.py, billing/events.py)."""
