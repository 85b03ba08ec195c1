from billing.models.tariff import Tariff

__all__ = ["Tariff"]
