"""Shared by the dashboard tests: a signed-in httpx client, and data for the pages."""

import re

import httpx

from tests.test_admin import PASSWORD, _hidden_fields

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


async def logged_in(server, user, password: str = PASSWORD) -> httpx.AsyncClient:
    """An httpx client signed in through the login form (redirects not followed)."""
    http = httpx.AsyncClient(base_url=server.http, timeout=20)
    page = await http.get("/accounts/login/")
    response = await http.post("/accounts/login/", data={
        "username": user.username, "password": password, "next": "/",
        "csrfmiddlewaretoken": _hidden_fields(page.text)["csrfmiddlewaretoken"]})
    assert response.status_code == 302 and response.headers["location"] == "/", response.text
    return http


async def post(http: httpx.AsyncClient, url: str, data: dict, htmx: bool = True) -> httpx.Response:
    """POST a dashboard form with the session's CSRF token (as htmx does, when `htmx`)."""
    token = http.cookies.get("csrftoken")
    headers = {"X-CSRFToken": token, "Referer": f"{http.base_url}{url}"}
    if htmx:
        headers["HX-Request"] = "true"
    return await http.post(url, data=data, headers=headers)
