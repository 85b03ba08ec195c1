from django.apps import AppConfig


class SmartchargingConfig(AppConfig):
    name = "stations.smartcharging"
    label = "smartcharging"
