"""`{% station_report_card station as card %}`: the station page's report card
(templates/reports/_station_card.html) reads its figures here, so that the station's page view
(stations/) needs to know nothing of reports."""

from django import template

from reports.selectors import station_card

register = template.Library()


@register.simple_tag
def station_report_card(station) -> dict:
    return station_card(station)
