"""Template side of cpms/listing.py: sortable column heads, the search box and the pager. Each
reads the list's own parameter names from it (a list with a prefix: `?<prefix>sort=`…)."""

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

register = template.Library()


@register.simple_tag
def sort_th(rows, key: str, label: str, numeric: bool = False):
    """A <th> whose link sorts by `key`; a second click reverses it. aria-sort tells which."""
    current = rows.sort.lstrip("-")
    descending = rows.sort.startswith("-")
    if current == key:
        state, arrow, next_sort = ("descending", "▼", key) if descending else ("ascending", "▲", f"-{key}")
    else:
        state, arrow, next_sort = "none", "", key
    return format_html('<th aria-sort="{}"{}><a class="sort" href="?{}">{}{}</a></th>', state,
                       mark_safe(' class="num"') if numeric else "", rows.query(sort=next_sort, page=None),
                       label, format_html(' <span aria-hidden="true">{}</span>', arrow) if arrow else "")


@register.inclusion_tag("cpms/_search_box.html")
def search_box(rows, placeholder: str = "Search"):
    hidden = list(rows.params.items()) + ([(rows.name("sort"), rows.sort)] if rows.sort else [])
    return {"rows": rows, "placeholder": placeholder, "hidden": hidden, "field": rows.name("q")}


@register.inclusion_tag("cpms/_pager.html")
def pager(rows):
    page = rows.page
    return {"page": page,
            "previous": rows.query(page=page.previous_page_number()) if page.has_previous() else "",
            "next": rows.query(page=page.next_page_number()) if page.has_next() else "",
            "first": rows.query(page=None), "last": rows.query(page=page.paginator.num_pages)}
