"""Customer information of the simulated 2.0.1 station (N09/N10): it keeps some text per
customer (`customer_data`, keyed by `customer_key`), reports it in parts of `part_size`
characters in NotifyCustomerInformation and deletes it on a clear; a clear without a report
still sends one part saying the data was cleared, as N10 wants."""

import asyncio

from ocpp.routing import on
from ocpp.v201 import call, call_result
from ocpp.v201.enums import Action

from stations.simulator.core import utcnow


def customer_key(*, id_token: str = "", identifier: str = "", serial_number: str = "") -> str:
    """How the station files a customer's data: by token (any case), identifier or certificate."""
    if id_token:
        return f"idToken:{id_token.lower()}"
    if identifier:
        return f"customer:{identifier}"
    return f"certificate:{serial_number}"


class CustomerInformationStation201:
    """CustomerInformation and the NotifyCustomerInformation parts it is answered with."""

    customer_information_answer = "Accepted"  # or Rejected, Invalid
    part_size = 512  # characters per NotifyCustomerInformation (the schema's most)

    @property
    def customer_data(self) -> dict[str, str]:
        if not hasattr(self, "_customer_data"):
            self._customer_data: dict[str, str] = {}
        return self._customer_data

    @on(Action.customer_information)
    async def on_customer_information(self, request_id, report, clear, **kwargs):
        self.received.append(("CustomerInformation", {"request_id": request_id, "report": report,
                                                      "clear": clear, **kwargs}))
        if self.customer_information_answer != "Accepted":
            return call_result.CustomerInformation(status=self.customer_information_answer)
        key = customer_key(id_token=(kwargs.get("id_token") or {}).get("id_token", ""),
                           identifier=kwargs.get("customer_identifier") or "",
                           serial_number=(kwargs.get("customer_certificate") or {}).get("serial_number", ""))
        text = self.customer_data.get(key, "") if report else "Cleared."
        if clear:
            self.customer_data.pop(key, None)
        self.soon(self.notify_customer_information, request_id, text or "No data.")
        return call_result.CustomerInformation(status="Accepted")

    async def notify_customer_information(self, request_id: int, text: str) -> None:
        parts = [text[at:at + self.part_size] for at in range(0, len(text), self.part_size)] or [""]
        for seq_no, data in enumerate(parts):
            await self.call(call.NotifyCustomerInformation(
                data=data, seq_no=seq_no, generated_at=utcnow(), request_id=request_id,
                tbc=seq_no < len(parts) - 1))
            await asyncio.sleep(0)
