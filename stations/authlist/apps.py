from django.apps import AppConfig


class AuthlistConfig(AppConfig):
    name = "stations.authlist"
    label = "authlist"
