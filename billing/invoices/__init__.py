"""Invoicing: invoice runs, credit notes and corrections, the seller's details, PDFs. Its tables
are in billing/models/ (invoice.py, seller.py); the prices it invoices are the session prices that
billing/services.py writes. See docs/billing-corrections.md for how a late change is corrected."""
