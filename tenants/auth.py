"""The API key resolves to its tenant once, here; views read `request.tenant`."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from tenants.services import api_token_resolve


class TenantTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Token"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).decode(errors="replace")
        parts = header.split()
        if not parts or parts[0] != self.keyword:
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed("Use 'Authorization: Token <key>'.")
        token = api_token_resolve(parts[1])
        if token is None:
            raise exceptions.AuthenticationFailed("Invalid or revoked API key.")
        request._request.tenant = token.tenant
        return (None, token)

    def authenticate_header(self, request) -> str:
        # Makes DRF answer 401 (not 403) when no key is given.
        return self.keyword


class TokenScheme(OpenApiAuthenticationExtension):
    target_class = "tenants.auth.TenantTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "`Token <key>`; create a key with `manage.py apitoken <tenant>`.",
        }
