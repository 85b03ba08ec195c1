"""The archive's table list stays complete as models are added: every model of the project is
exported, or left out with its reason, or not a tenant's; references point backwards."""

from django.apps import apps

from portability import columns as cols
from portability.tables import FRAMEWORK_APPS, LEFT_OUT, NOT_TENANT_OWNED, TABLES


def project_models() -> set[str]:
    return {model._meta.label for model in apps.get_models()
            if model._meta.app_label not in FRAMEWORK_APPS and not model._meta.auto_created}


def test_every_model_is_exported_or_left_out_with_a_reason():
    exported = {table.label for table in TABLES}

    unaccounted = project_models() - exported - set(LEFT_OUT) - set(NOT_TENANT_OWNED)

    assert unaccounted == set(), ("Add each to portability/tables.py: TABLES (exported), or LEFT_OUT with "
                                  "the reason, and to docs/portability.md")
    assert all(reason.strip() for reason in {**LEFT_OUT, **NOT_TENANT_OWNED}.values())
    assert not exported & set(LEFT_OUT), "a model both exported and left out"


def test_no_model_is_listed_that_no_longer_exists():
    assert {t.label for t in TABLES} | set(LEFT_OUT) | set(NOT_TENANT_OWNED) <= project_models()


def test_every_reference_points_to_an_earlier_file_or_an_earlier_row_of_its_own():
    order = [table.label for table in TABLES]
    for position, table in enumerate(TABLES):
        for column in cols.columns_of(table):  # raises for a reference to a table not exported
            if column.target:
                assert order.index(column.target) <= position, f"{table.label}.{column.name}"


def test_file_names_are_unique():
    assert len({table.file for table in TABLES}) == len(TABLES)
