"""Placeholder: the event-type catalogue endpoint (written by the webhook events work)."""
