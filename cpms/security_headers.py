"""The Content-Security-Policy header (Django 5.2 has none of its own): the dashboard and the
admin load scripts only from this host, so an injected <script> or inline handler does not run.
Swagger UI (/api/docs/) is served from static/ too, with a policy of its own (below). The
sites' map loads its tiles from settings.MAP_TILE_URL's host (docs/locations.md): that host,
and no other, is added to img-src."""

import re
from functools import cache
from urllib.parse import urlsplit

from django.conf import settings

# Swagger UI comes from static/ (drf-spectacular-sidecar) and its start script from
# /api/docs/?script (the split view): no other origin, no inline script. Its page and the
# interface it builds keep inline styles.
DOCS_POLICY = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
               "img-src 'self' data:; connect-src 'self'; font-src 'self'; object-src 'none'; "
               "base-uri 'self'; form-action 'self'; frame-ancestors 'none'")


def tile_source(tile_url: str) -> str:
    """The CSP source of a Leaflet tile URL: "https://{s}.tile.example.org/{z}/{x}/{y}.png" →
    "https://*.tile.example.org"; "" when blank, relative or not http(s)."""
    parts = urlsplit(re.sub(r"\{s\}", "sub", tile_url.strip()))
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return ""
    host = parts.netloc.replace("sub.", "*.", 1) if "{s}" in tile_url else parts.netloc
    return f"{parts.scheme}://{host}"


@cache
def with_tiles(policy: str, tile_url: str) -> str:
    """`policy` with the tile host in its img-src (added to one, or a new img-src)."""
    source = tile_source(tile_url)
    if not source:
        return policy
    directives = [d.strip() for d in policy.split(";") if d.strip()]
    for index, directive in enumerate(directives):
        if directive.split()[0] == "img-src":
            directives[index] = f"{directive} {source}"
            return "; ".join(directives)
    return "; ".join([*directives, f"img-src 'self' data: {source}"])


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if settings.CONTENT_SECURITY_POLICY and "Content-Security-Policy" not in response:
            docs = request.path.startswith("/api/docs/")
            response["Content-Security-Policy"] = DOCS_POLICY if docs else with_tiles(
                settings.CONTENT_SECURITY_POLICY, settings.MAP_TILE_URL)
        return response
