from django.apps import AppConfig


class LoadmgmtConfig(AppConfig):
    name = "loadmgmt"
