from django.apps import AppConfig


class SecurityConfig(AppConfig):
    name = "stations.security"
    label = "security"
