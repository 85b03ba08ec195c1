from django.apps import AppConfig


class SecurityConfig(AppConfig):
    name = "stations.security"
    label = "security"

    def ready(self) -> None:
        from stations import contract_certificates
        from stations.security import (
            iso15118,
            ocpp16,  # noqa: F401 registers its OCPP 1.6 handlers
            ocpp201,  # noqa: F401 registers its OCPP 2.0.1 handlers
        )
        contract_certificates.provide(iso15118.contract_authorize_answer)
