from billing.models.customer import Customer
from billing.models.session_price import SessionPrice
from billing.models.tariff import Tariff

__all__ = ["Customer", "SessionPrice", "Tariff"]
