"""The people pages' writes (billing/people_views.py, tenants/team/): id tags (block, delete,
CSV import), customers (delete), the team (invite, role, remove, resend) and tenant settings."""

from django.core.files.uploadedfile import SimpleUploadedFile

from tenants.models import Membership, Role
from tests.fast.walks.calls import page
from tests.test_admin import make_user


def objects_of_a(tenant, objects: dict) -> dict:
    """A second member of tenant A (an installer invited, no password yet) for the team writes
    (called by both walks' fixtures in one test: made once)."""
    if "membership" in objects:
        return {}
    user = make_user(tenant=tenant, role=Role.INSTALLER)
    user.email = "walk-member@example.com"
    user.set_unusable_password()
    user.save()
    return {"membership": Membership.objects.get(tenant=tenant, user=user)}


def _csv(o) -> dict:
    text = "id_tag,name,status\nWALK-CSV-1,Walk import,Accepted\n"
    return {"file": SimpleUploadedFile("tags.csv", text.encode(), "text/csv")}


EXAMPLES = {
    "POST id-tags/<pk>/block/": page(lambda o: f"/id-tags/{o['id_tag'].pk}/block/"),
    "POST id-tags/<pk>/delete/": page(lambda o: f"/id-tags/{o['id_tag'].pk}/delete/"),
    "POST id-tags/import/": page(lambda o: "/id-tags/import/", _csv),
    "POST customers/<pk>/delete/": page(lambda o: f"/customers/{o['spare_customer'].pk}/delete/"),
    "POST team/invite/": page(lambda o: "/team/invite/", {"email": "walk-invited@example.com",
                                                           "role": "accountant"}),
    "POST team/<pk>/role/": page(lambda o: f"/team/{o['membership'].pk}/role/", {"role": "accountant"}),
    "POST team/<pk>/remove/": page(lambda o: f"/team/{o['membership'].pk}/remove/"),
    "POST team/<pk>/resend/": page(lambda o: f"/team/{o['membership'].pk}/resend/"),
    "POST settings/": page(lambda o: "/settings/", {
        "name": "Walk tenant", "timezone": "Europe/Berlin", "locale": "de-DE",
        "max_sessions_per_id_tag": "2"}),
}

PAGES = {"id-tags/export.csv", "team/"}
