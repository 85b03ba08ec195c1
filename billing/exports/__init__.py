"""Exports for accountants: sessions, energy per station and day or month, revenue per month,
tariff and VAT rate; CSV (as Excel opens it) or JSON, streamed. See docs/api.md (Billing) and
docs/invoicing.md (Exports)."""
