"""The HTTP endpoints stations use, outside the API: no API token, the per-job token in the URL
is the credential. A firmware job's URL serves only its own image; an upload URL takes one file."""

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from stations.firmware import selectors
from stations.firmware.models import FirmwareJob
from stations.firmware.services.uploads import UploadGone, UploadNotFound, upload_receive


@csrf_exempt  # stations hold no CSRF cookie: anything but GET is a 405, not a 403
@require_GET
def firmware_download(request: HttpRequest, token: str, filename: str) -> FileResponse:
    job = selectors.firmware_job_by_token(token)
    if job is None or job.firmware.filename != filename or not job.firmware.file:
        raise Http404("No such firmware file")
    FirmwareJob.objects.filter(pk=job.pk).update(downloads=job.downloads + 1)
    return FileResponse(job.firmware.file.open("rb"), as_attachment=True, filename=filename,
                        content_type="application/octet-stream")


@csrf_exempt
@require_http_methods(["PUT", "POST"])
def upload(request: HttpRequest, token: str) -> HttpResponse:
    """Stations send a multipart form (POST, the first file in it) or the raw body (PUT or POST)."""
    if request.content_type == "multipart/form-data":
        files = list(request.FILES.values())
        if not files:
            return HttpResponse("No file in the form\n", status=400, content_type="text/plain")
        content, filename = files[0], files[0].name
    else:
        content, filename = request, _disposition_filename(request)
    try:
        upload_receive(token=token, content=content, filename=filename)
    except UploadNotFound:
        raise Http404("No such upload") from None
    except UploadGone:
        return HttpResponse("This upload URL was used already\n", status=410, content_type="text/plain")
    return HttpResponse(status=201 if request.method == "PUT" else 200)


def _disposition_filename(request: HttpRequest) -> str:
    header = request.headers.get("Content-Disposition", "")
    for part in header.split(";"):
        key, _, value = part.strip().partition("=")
        if key.lower() == "filename":
            return value.strip().strip('"')
    return ""
