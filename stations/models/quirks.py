from django.db import models


class ModelQuirks(models.Model):
    """Known deviations from OCPP 1.6 of one station model (see stations/quirks.py).

    Matched on the vendor and model a station reports in its BootNotification: vendor exactly
    (case-insensitive), model as a prefix (blank: every model of the vendor)."""

    vendor = models.CharField(max_length=20)
    model_prefix = models.CharField(max_length=20, blank=True)
    id_tag_suffix_separator = models.CharField(
        max_length=3, blank=True,
        help_text="The station sends id tags as <tag><separator><suffix> (e.g. a serial "
                  "number): the backend cuts the suffix off at the last separator.")
    tx_profile_after_start_only = models.BooleanField(
        default=False,
        help_text="The station rejects a TxProfile until it has the StartTransaction answer: "
                  "the backend holds such a profile back until the transaction runs.")
    max_profile_on_connector_zero_only = models.BooleanField(
        default=False,
        help_text="The station accepts ChargePointMaxProfile only on connector 0.")
    file_transfer = models.CharField(
        max_length=4, blank=True, choices=[("http", "HTTP(S)"), ("ftp", "FTP")],
        help_text="How its stations fetch firmware and upload files by default (blank: HTTP); a "
                  "station may override it")
    note = models.TextField(blank=True, help_text="Where the behaviour was seen")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["vendor", "model_prefix"],
                                               name="quirks_per_model")]
        verbose_name_plural = "model quirks"

    def __str__(self) -> str:
        return f"{self.vendor} {self.model_prefix or '*'}"
