"""In-process clients for the fast tier, called like the live tier's httpx clients so a test moved
here keeps its lines: `api.get(path, params=...)`, `api.post(path, json=...)`, `response.json()`."""

from collections.abc import Iterator
from contextlib import contextmanager
from json import dumps, loads
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpResponse
from django.test import Client
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from rest_framework.test import APIClient

from tenants.models import Tenant
from tenants.services import api_token_create


class TenantApi:
    """DRF's test client carrying a new API token of `tenant` with `role`."""

    def __init__(self, tenant: Tenant, role: str):
        self.token, key = api_token_create(tenant=tenant, role=role)
        self.client = APIClient()
        self.client.credentials(HTTP_AUTHORIZATION=f"Token {key}")

    def __enter__(self) -> "TenantApi":  # a moved `async with api_client(...) as api:` keeps its shape
        return self

    def __exit__(self, *exc) -> None:
        self.client.logout()

    def request(self, method: str, path: str, *, json: Any = None, data: dict | None = None,
                files: dict | None = None, params: dict | None = None, headers: dict | None = None):
        if params:
            path = f"{path}{'&' if '?' in path else '?'}{urlencode(params, doseq=True)}"
        response = self.client.generic(method.upper(), path, headers=headers, **_body(json, data, files))
        return _read(response) if response.streaming else response

    def get(self, path: str, **kwargs):
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs):
        return self.request("POST", path, **kwargs)

    def put(self, path: str, **kwargs):
        return self.request("PUT", path, **kwargs)

    def patch(self, path: str, **kwargs):
        return self.request("PATCH", path, **kwargs)

    def delete(self, path: str, **kwargs):
        return self.request("DELETE", path, **kwargs)

    def options(self, path: str, **kwargs):
        return self.request("OPTIONS", path, **kwargs)


def _body(json: Any, data: dict | None, files: dict | None) -> dict:
    """The body as httpx would send it: JSON, multipart with files, else form-encoded."""
    if json is not None:
        return {"data": dumps(json), "content_type": "application/json"}
    if files:
        uploads = {name: SimpleUploadedFile(*upload) if isinstance(upload, tuple) else upload
                   for name, upload in files.items()}
        return {"data": encode_multipart(BOUNDARY, {**(data or {}), **uploads}),
                "content_type": MULTIPART_CONTENT}
    if data is not None:
        return {"data": urlencode(data, doseq=True), "content_type": "application/x-www-form-urlencoded"}
    return {}


def _read(streamed) -> HttpResponse:
    """A streamed answer read whole, as httpx reads a body: `.content`, `.text`, `.json()`."""
    response = HttpResponse(b"".join(streamed.streaming_content), status=streamed.status_code,
                            headers=dict(streamed.headers))
    response.json = lambda: loads(response.content)
    return response


class DashboardClient(Client):
    """Django's test client answering like httpx: `get(path, params=...)`, streamed bodies read whole."""

    def get(self, path: str, data: dict | None = None, *args, params: dict | None = None, **kwargs):
        return super().get(path, params if params is not None else data, *args, **kwargs)

    def request(self, **request):
        response = super().request(**request)
        return _read(response) if response.streaming else response


def signed_in(user) -> DashboardClient:
    """A dashboard client with `user`'s session (no login form: that is the live tier's)."""
    client = DashboardClient()
    client.force_login(user)
    return client


def api_client(tenant: Tenant, role: str = "manager") -> TenantApi:
    """The live tier's `tests.factories.api_client`, without a server."""
    return TenantApi(tenant, role)


def post(client: Client, url: str, data: dict, htmx: bool = True):
    """POST a dashboard form as htmx does, when `htmx` (the live tier's tests.dashboard_helpers.post;
    Django's test client checks no CSRF token)."""
    return client.post(url, data=data, headers={"HX-Request": "true"} if htmx else None)


class _Url(str):
    """The address a followed answer came from, as httpx's `response.url` (`.path`, `str()`)."""

    @property
    def path(self) -> str:
        return urlsplit(self).path


class AdminClient(DashboardClient):
    """A dashboard client that follows redirects and tells where it ended, as the live tier's
    admin session (httpx with follow_redirects)."""

    def request(self, **request):
        response = super().request(**request)
        if response.status_code in (301, 302, 303, 307, 308) and not request.get("_no_follow"):
            return self._follow(response, request)
        query = request.get("QUERY_STRING", "")
        response.url = _Url(f"http://testserver{request['PATH_INFO']}{'?' + query if query else ''}")
        return response

    def _follow(self, response, request):
        target = urlsplit(response["Location"])
        return self.get(target.path, dict(parse_qsl(target.query)))


@contextmanager
def admin_session(user) -> Iterator[AdminClient]:
    """`user` signed in to the admin (no login form: that is the live tier's tests.test_admin)."""
    client = AdminClient()
    client.force_login(user)
    yield client
