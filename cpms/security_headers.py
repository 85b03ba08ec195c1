"""The Content-Security-Policy header (Django 5.2 has none of its own): the dashboard and the
admin load scripts only from this host, so an injected <script> or inline handler does not run.
Swagger UI (/api/docs/) is drf-spectacular's page with its script from a CDN and inline."""

from django.conf import settings

DOCS_POLICY = ("default-src 'self'; script-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; "
               "style-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; img-src 'self' data: "
               "https://cdn.jsdelivr.net; object-src 'none'; base-uri 'self'; frame-ancestors 'none'")


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if settings.CONTENT_SECURITY_POLICY and "Content-Security-Policy" not in response:
            docs = request.path.startswith("/api/docs/")
            response["Content-Security-Policy"] = DOCS_POLICY if docs else settings.CONTENT_SECURITY_POLICY
        return response
