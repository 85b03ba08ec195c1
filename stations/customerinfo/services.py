"""Asking a station to report or clear what it keeps of one customer (2.0.1 N09/N10), and
keeping the report it sends in parts.

A request is claimed (pending -> sent, with its payload) and committed before the CALL, so the
report's parts, which may come before the answer is recorded, find it by its requestId (its
own primary key, as for log uploads). When a station accepts to clear a token's data, the token
also comes off the local list it holds (a differential update: OCA N_46)."""

import asyncio

from django.db import transaction
from django.utils import timezone

from stations.commands import requests as req
from stations.commands.sending import CommandFailed, command_run, translator_for
from stations.customerinfo.local_list import local_list_token_remove
from stations.models import CustomerInformation, CustomerInformationPart, IdTag, IdTokenType, Station
from stations.ocpp.dbthreads import db


def customer_information_create(*, station: Station, report: bool, clear: bool,
                                customer_identifier: str = "", id_token: str = "",
                                id_token_type: str = "", certificate: dict | None = None
                                ) -> CustomerInformation:
    if id_token and not id_token_type:
        id_token_type = _token_type(station.tenant_id, id_token)
    row = CustomerInformation.objects.create(
        tenant_id=station.tenant_id, station=station, report=report, clear=clear,
        customer_identifier=customer_identifier, id_token=id_token,
        id_token_type=id_token_type if id_token else "", certificate=certificate)
    row.request_id = row.pk
    row.save(update_fields=["request_id"])
    return row


def _token_type(tenant_id: int, id_token: str) -> str:
    """The type of the tenant's token of that name (a card unknown here: an RFID card's)."""
    known = IdTag.objects.filter(tenant_id=tenant_id).spelt(id_token).values_list("token_type", flat=True)
    return known.first() or IdTokenType.ISO14443


def _request_of(row: CustomerInformation) -> req.CustomerInformationGet:
    return req.CustomerInformationGet(
        request_id=row.request_id, report=row.report, clear=row.clear,
        customer_identifier=row.customer_identifier, id_token=row.id_token,
        id_token_type=row.id_token_type or "ISO14443", certificate=row.certificate)


def _claim(pk: int) -> tuple[Station, req.CustomerInformationGet] | None:
    """Mark the pending request sent with the payload it goes out as; None if it was not pending."""
    row = CustomerInformation.objects.get(pk=pk)
    station = Station.objects.select_related("tenant", "server_process").get(pk=row.station_id)
    request = _request_of(row)
    try:
        payload = translator_for(station).call_of(request)[1]
    except (TypeError, ValueError):  # a 1.6 station: command_run says why
        payload = None
    claimed = CustomerInformation.objects.filter(pk=pk, state=CustomerInformation.PENDING).update(
        state=CustomerInformation.SENT, sent_at=timezone.now(), request=payload)
    return (station, request) if claimed else None


@transaction.atomic
def _record(pk: int, *, result: req.CommandResult | None = None,
            failure: CommandFailed | None = None) -> CustomerInformation:
    row = CustomerInformation.objects.select_for_update().get(pk=pk)
    if failure is not None:
        row.state, row.error = CustomerInformation.FAILED, failure.body | {"status_code": failure.status_code}
    else:
        row.status, row.response = result.status, result.response
    row.save(update_fields=["state", "error", "status", "response"])
    return row


async def customer_information_send(*, pk: int) -> CustomerInformation:
    """Send the request (CommandFailed, after recording it, when the station gives no usable
    answer); an accepted clear of a token then takes it off the station's local list."""
    claimed = await db(_claim, pk)
    if claimed is None:
        return await CustomerInformation.objects.aget(pk=pk)
    station, request = claimed
    try:
        result = await command_run(station, request)
    except CommandFailed as failure:
        await db(_record, pk, failure=failure)
        raise
    row = await db(_record, pk, result=result)
    if row.clear and row.id_token and row.status == "Accepted":
        row = await _forget_on_local_list(station, row)
    return row


async def _forget_on_local_list(station: Station, row: CustomerInformation) -> CustomerInformation:
    try:
        update = await local_list_token_remove(station=station, id_tag=row.id_token,
                                               token_type=row.id_token_type or "ISO14443")
    except CommandFailed as failure:
        note = f"Not taken off the local list: {failure.body.get('detail', '')}"
    else:
        note = ("Not on the station's local list." if update is None else
                f"Taken off the local list: version {update.list_version}, {update.status}.")
    row.local_list = note[:200]
    await row.asave(update_fields=["local_list"])
    return row


@transaction.atomic
def customer_information_part_record(*, station_id: int, request_id: int, seq_no: int, tbc: bool,
                                     data: str, generated_at, received_at) -> CustomerInformation | None:
    """One NotifyCustomerInformation, on the station's request with that requestId (None: no
    such request; the frame log keeps it). A part sent again is kept once; the report is
    complete once its last part (tbc false) and every part before it came."""
    row = (CustomerInformation.objects.select_for_update()
           .filter(station_id=station_id, request_id=request_id).first())
    if row is None:
        return None
    CustomerInformationPart.objects.get_or_create(
        request=row, seq_no=seq_no,
        defaults={"tbc": tbc, "data": data, "generated_at": generated_at, "received_at": received_at})
    last = row.parts.filter(tbc=False).order_by("seq_no").first()
    if row.completed_at is None and last is not None and row.parts.filter(
            seq_no__lte=last.seq_no).count() == last.seq_no + 1:
        row.completed_at = received_at
        row.save(update_fields=["completed_at"])
    return row


def _carries(station: Station) -> bool:
    """Whether the station's OCPP version has CustomerInformation (2.0.1: 1.6 has none)."""
    probe = req.CustomerInformationGet(request_id=0, report=True, clear=False, customer_identifier="-")
    try:
        translator_for(station).call_of(probe)
    except (TypeError, ValueError):
        return False
    return True


def _stations_carrying(tenant_id: int) -> list[Station]:
    return [station for station in Station.objects.filter(tenant_id=tenant_id).order_by("identity")
            if _carries(station)]


async def customer_information_everywhere(*, tenant_id: int, **ask) -> list[CustomerInformation]:
    """A driver's request to every station of the tenant whose version has the message (GDPR:
    all the data the fleet keeps of one driver): one request per station, sent at once to
    each; a station not connected keeps its request failed with the reason, to be asked again.
    `ask` as for `customer_information_create`."""
    stations = await db(_stations_carrying, tenant_id)
    rows = [await db(customer_information_create, station=station, **ask) for station in stations]

    async def sent(row: CustomerInformation) -> CustomerInformation:
        try:
            return await customer_information_send(pk=row.pk)
        except CommandFailed:
            return await CustomerInformation.objects.aget(pk=row.pk)

    return list(await asyncio.gather(*(sent(row) for row in rows)))
