"""Id tags written through one service (API and dashboard alike): the stations' local lists
follow every change, and a tag exists once in any case."""

import pytest

from stations.authlist.models import LocalList
from stations.authlist.selectors import local_list_entries
from stations.models import IdTag
from stations.services.id_tags import IdTagExists, id_tag_create, id_tag_delete, id_tag_update
from tests.factories import make_id_tag, make_station

pytestmark = pytest.mark.django_db


def _holding_station(tenant) -> LocalList:
    station, _ = make_station(tenant)
    return LocalList.objects.create(tenant=tenant, station=station, version=1,
                                    snapshot=local_list_entries(tenant_id=tenant.pk))


def test_a_created_tag_makes_the_stations_lists_due(tenant):
    held = _holding_station(tenant)
    tag = id_tag_create(tenant=tenant, id_tag="CARD-1", name="Van 1")
    held.refresh_from_db()
    assert (tag.tenant, tag.name, held.sync_due) == (tenant, "Van 1", True)


def test_a_tag_that_exists_in_another_case_is_refused(tenant):
    make_id_tag(tenant, "CARD-1")
    with pytest.raises(IdTagExists):
        id_tag_create(tenant=tenant, id_tag="card-1")
    assert IdTag.objects.filter(tenant=tenant).count() == 1


def test_an_update_changes_the_fields_but_never_the_token_and_resyncs(tenant):
    tag = make_id_tag(tenant, "CARD-1")
    held = _holding_station(tenant)
    id_tag_update(tag=tag, id_tag="CARD-1", status="Blocked")
    tag.refresh_from_db()
    held.refresh_from_db()
    assert (tag.id_tag, tag.status, held.sync_due) == ("CARD-1", "Blocked", True)


def test_a_deleted_tag_leaves_the_lists(tenant):
    tag = make_id_tag(tenant, "CARD-1")
    held = _holding_station(tenant)
    id_tag_delete(tag=tag)
    held.refresh_from_db()
    assert not IdTag.objects.filter(tenant=tenant).exists() and held.sync_due is True
