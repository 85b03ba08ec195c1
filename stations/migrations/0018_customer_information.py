# Issue 19, block N: a driver's data a station reports or clears (CustomerInformation and the
# parts of its NotifyCustomerInformation report; stations/models/customer_information.py).
# Written by hand.
import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("stations", "0017_monitoring_and_events"), ("tenants", "0001_initial")]

    operations = [
        migrations.CreateModel(
            name="CustomerInformation",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False,
                                           verbose_name="ID")),
                ("request_id", models.PositiveIntegerField(blank=True, null=True)),
                ("report", models.BooleanField(help_text="The station reports what it keeps")),
                ("clear", models.BooleanField(help_text="The station deletes what it keeps")),
                ("customer_identifier", models.CharField(blank=True, max_length=64)),
                ("id_token", models.CharField(blank=True, max_length=36)),
                ("id_token_type", models.CharField(blank=True, max_length=20)),
                ("certificate", models.JSONField(
                    blank=True, help_text="The customer certificate's hash data",
                    null=True)),
                ("state", models.CharField(choices=[("pending", "pending"), ("sent", "sent"),
                                                    ("failed", "failed")],
                                           default="pending", max_length=10)),
                ("status", models.CharField(
                    blank=True, help_text="The station's answer: Accepted, Rejected or Invalid",
                    max_length=20)),
                ("request", models.JSONField(blank=True, help_text="The payload as sent", null=True)),
                ("response", models.JSONField(blank=True, null=True)),
                ("error", models.JSONField(blank=True, null=True)),
                ("local_list", models.CharField(
                    blank=True, help_text="What clearing the token did to the station's local list",
                    max_length=200)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("sent_at", models.DateTimeField(blank=True, null=True)),
                ("completed_at", models.DateTimeField(
                    blank=True, help_text="When the report's last part came", null=True)),
                ("station", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE,
                                              related_name="customer_information", to="stations.station")),
                ("tenant", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="+",
                                             to="tenants.tenant")),
            ],
            options={
                "ordering": ["-created_at", "-id"],
                "indexes": [models.Index(fields=["station", "request_id"], name="customer_info_request")],
            },
        ),
        migrations.CreateModel(
            name="CustomerInformationPart",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False,
                                           verbose_name="ID")),
                ("seq_no", models.PositiveIntegerField()),
                ("tbc", models.BooleanField(default=False, help_text="More parts follow")),
                ("data", models.CharField(blank=True, max_length=512)),
                ("generated_at", models.DateTimeField(help_text="As the station stamped it")),
                ("received_at", models.DateTimeField()),
                ("request", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE,
                                              related_name="parts", to="stations.customerinformation")),
            ],
            options={
                "ordering": ["seq_no"],
                "constraints": [models.UniqueConstraint(fields=("request", "seq_no"),
                                                        name="customer_info_part_once")],
            },
        ),
    ]
