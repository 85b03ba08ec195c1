"""The meter values form of the export page: the API's filters (billing.exports.filters)."""

from django import forms

from cpms.dashboard import Form

DATE = forms.DateInput(attrs={"type": "date"})


class MeterValuesForm(Form):
    since = forms.DateField(required=False, widget=DATE, label="From")
    until = forms.DateField(required=False, widget=DATE, label="Before")
    station = forms.CharField(required=False, max_length=100, label="Station identity",
                              help_text="Blank: every station")
