"""Session pricing as a pure function of a tariff (OCPI 2.2.1-shaped JSON) and a session's
timeline: no models, no database. See docs/pricing.md §1 to §3."""

from billing.pricing.bill import MAX_PRICE, MIN_PRICE, CostLine, Price
from billing.pricing.engine import price_session
from billing.pricing.money import currency_exponent
from billing.pricing.tariff import ENERGY, FLAT, PARKING_TIME, TIME
from billing.pricing.timeline import MeterPoint, StatusPoint, Timeline

__all__ = ["ENERGY", "FLAT", "MAX_PRICE", "MIN_PRICE", "PARKING_TIME", "TIME", "CostLine", "MeterPoint",
           "Price", "StatusPoint", "Timeline", "currency_exponent", "price_session"]
