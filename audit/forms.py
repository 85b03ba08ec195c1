"""The audit page's filter form: the API's filter set (audit/filters.py) with the dashboard's
looks, so the page, its export links and the API read a query string alike."""

from audit.filters import AuditEntryFilter
from cpms.dashboard import Form

PLACEHOLDERS = {
    "since": "2026-03-01 or 2026-03-01T06:00",
    "until": "2026-04-01",
    "actor": "a name or token",
    "object_type": "billing.tariff",
    "q": "name or path",
}
ANY = {"actor_type": "Any actor", "via": "Any way", "action": "Any action"}


class AuditFilterForm(Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            field.widget.attrs.setdefault("id", f"audit-{name}")
            if name in PLACEHOLDERS:
                field.widget.attrs["placeholder"] = PLACEHOLDERS[name]
            if name in ANY:
                field.empty_label = ANY[name]
                field.choices = [("", ANY[name]), *list(field.choices)[1:]]


class AuditPageFilter(AuditEntryFilter):
    class Meta(AuditEntryFilter.Meta):
        form = AuditFilterForm
