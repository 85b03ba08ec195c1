"""Extra tables for the two URLconf walks (tests/fast/tenants/test_tenant_isolation_routes.py and
tests/fast/audit/test_every_write_is_audited.py), one module per area, merged in by both.

A module here may define any of:
- `ON_AN_OBJECT_OF_A`, `TENANT_WIDE`, `PARAMETERS_OF_TENANT_WIDE`, `MODELS_OF_A`: as the
  isolation walk's tables of the same names;
- `objects_of_a(tenant, objects) -> dict`: more objects of tenant A, keyed by name (both walks);
- `EXAMPLES` (`tests.fast.walks.calls.api`/`page`), `PAGES`, `LIVE_TIER_ONLY`: as the audit
  walk's."""

import importlib
import pkgutil


def modules() -> list:
    return [importlib.import_module(f"{__name__}.{info.name}")
            for info in pkgutil.iter_modules(__path__) if info.name != "calls"]


def merged_dict(name: str) -> dict:
    merged = {}
    for module in modules():
        merged.update(getattr(module, name, {}))
    return merged


def merged_set(name: str) -> set:
    return {item for module in modules() for item in getattr(module, name, ())}


def more_objects(tenant, objects: dict) -> dict:
    more = {}
    for module in modules():
        if hasattr(module, "objects_of_a"):
            more.update(module.objects_of_a(tenant, {**objects, **more}))
    return more
