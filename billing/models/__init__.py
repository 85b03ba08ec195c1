from billing.models.customer import Customer
from billing.models.group_tariff import LoadGroupTariff
from billing.models.invoice import Invoice, InvoiceKind, InvoiceLine, InvoiceSequence
from billing.models.seller import Seller
from billing.models.session_price import SessionPrice
from billing.models.station_tariff import StationTariff
from billing.models.tariff import Tariff

__all__ = ["Customer", "Invoice", "InvoiceKind", "InvoiceLine", "InvoiceSequence", "LoadGroupTariff",
           "Seller", "SessionPrice", "StationTariff", "Tariff"]
