"""Answers every API operation can give, added to the OpenAPI schema once instead of on each
view (the API fuzz test, tests/fast/test_api_fuzz.py, holds the schema to what the server answers)."""

COMMON_RESPONSES = {
    "400": "Bad input: field errors, or a query parameter out of range",
    "401": "No token, or an unknown one",
    "403": "The token's role may not do this (a field or an action)",
    "404": "No such object in this tenant",
    "413": "The body is larger than this address takes",
    "503": "The database or Redis is unavailable; retry after Retry-After seconds",
}


def schema_pass(view) -> bool:
    """Is drf-spectacular calling this view to build the schema? It does so without a request
    tenant, so scoped querysets and role-dependent fields answer for the schema instead: the
    one test for it (the API bases in tenants/api.py, tenants/permissions.py)."""
    return bool(getattr(view, "swagger_fake_view", False))


def document_common_errors(result: dict, generator, request, public) -> dict:
    for path in result.get("paths", {}).values():
        for method, operation in path.items():
            if method in ("get", "put", "patch", "post", "delete"):
                responses = operation.setdefault("responses", {})
                for status, description in COMMON_RESPONSES.items():
                    responses.setdefault(status, {"description": description})
    return result
