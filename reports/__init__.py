"""Reports: uptime, utilisation, sessions, energy and revenue per station and site, per day and
month (docs/reports.md)."""
