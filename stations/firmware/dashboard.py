"""The station page's "Update firmware" action (either version) and "Publish firmware" and
"Unpublish firmware" actions (2.0.1 local controllers): each POST sends one message through the
services the API uses (services/firmware.py, services/publishing.py) and shows the station's
answer in the action's box, as the other station actions do (stations/dashboard/actions.py).
Installers and managers act; accountants get 403 and only see the jobs and publications."""

from asgiref.sync import sync_to_async

from stations.commands.sending import CommandFailed
from stations.dashboard.actions import _aanswer, _failure, _post_only, station_view
from stations.firmware.forms import FirmwareUpdateForm, PublishForm, UnpublishForm
from stations.firmware.services.firmware import firmware_job_create, firmware_job_send
from stations.firmware.services.publishing import firmware_unpublish, publication_create, publication_send
from stations.models import Station


def _update(station: Station, data: dict) -> dict:
    job = firmware_job_create(station=station, **data)
    job = firmware_job_send(job_id=job.pk, reraise=True)
    return {**(job.response or {}), "job": job.pk, "state": job.state}


def _publish(station: Station, data: dict) -> dict:
    publication = publication_create(station=station, **data)
    publication = publication_send(publication_id=publication.pk)
    return {**(publication.response or {}), "request_id": publication.request_id}


def _unpublish(station: Station, checksum: str) -> dict:
    answer, ended = firmware_unpublish(station=station, checksum=checksum)
    return {"status": answer, "unpublished": ended}


async def _send(request, station: Station, action: str, form, work):
    if not await sync_to_async(form.is_valid)():
        return await _aanswer(request, station, action, form=form)
    try:
        response = await sync_to_async(work, thread_sensitive=False)(station, form.cleaned_data)
    except CommandFailed as failure:
        return await _aanswer(request, station, action, error=_failure(failure))
    return await _aanswer(request, station, action, response=response)


@_post_only
@station_view
async def update(request, station: Station):
    form = FirmwareUpdateForm(request.POST, tenant=request.tenant)
    return await _send(request, station, "UpdateFirmware", form, _update)


@_post_only
@station_view
async def publish(request, station: Station):
    return await _send(request, station, "PublishFirmware", PublishForm(request.POST), _publish)


@_post_only
@station_view
async def unpublish(request, station: Station):
    return await _send(request, station, "UnpublishFirmware", UnpublishForm(request.POST),
                       lambda station, data: _unpublish(station, data["checksum"]))
