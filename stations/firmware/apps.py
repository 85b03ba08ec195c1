from django.apps import AppConfig


class FirmwareConfig(AppConfig):
    name = "stations.firmware"
    label = "firmware"
