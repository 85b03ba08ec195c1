"""Remote Trigger: ask a station to send one of its messages now, from the API (api.py, urls.py)
and the dashboard's actions (stations/dashboard/actions.py), through one service (services.py)."""
