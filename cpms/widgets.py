"""Form widgets that stay fast on long choice lists (docs/dashboard.md, "At fleet size").

Django's Select renders each <option> through its own template include: about 0.25 ms an
option, so the ~600 IANA time zones cost 150 ms a form on a loaded machine. FastSelect writes
the same HTML in Python; the time zone names are read from the system once per process
(zoneinfo.available_timezones() walks the tz database: 40–80 ms a call).
"""

from functools import cache
from html import escape
from zoneinfo import available_timezones

from django import forms
from django.utils.safestring import mark_safe


@cache
def timezone_names() -> tuple[str, ...]:
    """Every IANA time zone name, sorted; read once per process."""
    return tuple(sorted(available_timezones()))


class FastSelect(forms.Select):
    """A <select> with the markup of Django's Select (same options, attributes and `selected`),
    written without a template include per option."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        parts = [f'<select name="{escape(widget["name"])}"{_attrs(widget["attrs"])}>']
        for group_name, options, _ in widget["optgroups"]:
            if group_name:
                parts.append(f'<optgroup label="{escape(str(group_name))}">')
            parts += [f'<option value="{escape(str(o["value"]))}"{_attrs(o["attrs"])}>'
                      f'{escape(str(o["label"]))}</option>' for o in options]
            if group_name:
                parts.append("</optgroup>")
        parts.append("</select>")
        return mark_safe("".join(parts))  # noqa: S308 - every value and label escaped above


def _attrs(attrs: dict) -> str:
    """flatatt's output (True: the bare name, False/None: left out) with the stdlib's escape."""
    return "".join(f" {key}" if value is True else f' {key}="{escape(str(value))}"'
                   for key, value in attrs.items() if value is not False and value is not None)
