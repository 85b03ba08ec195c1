"""Placeholder: the audit context of a request (filled in by the audit work)."""


class AuditMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)
