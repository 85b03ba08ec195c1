"""The HTTP endpoints stations use, outside the API: no API token, the per-job token in the URL
is the credential. A firmware job's URL serves only its own image; an upload URL takes one file.
(The same over FTP: `ftp.py`.)"""

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from stations.firmware import selectors
from stations.firmware.services.firmware import firmware_job_downloaded
from stations.firmware.services.uploads import (
    UploadGone,
    UploadNotFound,
    UploadTooLarge,
    upload_check,
    upload_receive,
)


@csrf_exempt  # stations hold no CSRF cookie: anything but GET is a 405, not a 403
@require_GET
def firmware_download(request: HttpRequest, token: str, filename: str) -> FileResponse:
    job = selectors.firmware_job_by_token(token)
    if job is None or job.firmware.filename != filename or not job.firmware.file:
        raise Http404("No such firmware file")
    firmware_job_downloaded(job_id=job.pk)
    return FileResponse(job.firmware.file.open("rb"), as_attachment=True, filename=filename,
                        content_type="application/octet-stream")


@csrf_exempt
@require_http_methods(["PUT", "POST"])
def upload(request: HttpRequest, token: str) -> HttpResponse:
    """Stations send a multipart form (POST, the first file in it) or the raw body (PUT or POST)."""
    form = request.content_type == "multipart/form-data"
    try:  # a raw body is the file: its announced length tells (a form's counts the fields too)
        upload_check(token=token, size=None if form else _content_length(request))
        if form:
            files = list(request.FILES.values())
            if not files:
                return _text("No file in the form", 400)
            content, filename = files[0], files[0].name
        else:
            content, filename = request, _disposition_filename(request)
        upload_receive(token=token, content=content, filename=filename)
    except UploadNotFound:
        raise Http404("No such upload") from None
    except UploadGone:
        return _text("This upload URL was used already", 410)
    except UploadTooLarge as error:
        return _text(str(error), 413)
    return HttpResponse(status=201 if request.method == "PUT" else 200)


def _text(message: str, status: int) -> HttpResponse:
    return HttpResponse(f"{message}\n", status=status, content_type="text/plain")


def _content_length(request: HttpRequest) -> int | None:
    try:
        return int(request.headers["Content-Length"])
    except (KeyError, ValueError):
        return None


def _disposition_filename(request: HttpRequest) -> str:
    header = request.headers.get("Content-Disposition", "")
    for part in header.split(";"):
        key, _, value = part.strip().partition("=")
        if key.lower() == "filename":
            return value.strip().strip('"')
    return ""
