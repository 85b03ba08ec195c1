# Issue 19, block L: signed updates' install date, cancellation and security event on the job;
# PublishFirmware to a local controller (written by hand).
import django.db.models.deletion
from django.db import migrations, models

FAILURES = [("status", "The station reported a failure"),
            ("unreachable", "The station could not be reached"),
            ("stalled", "No status notification in time"),
            ("version", "The station booted on another version"),
            ("superseded", "A newer job replaced it"),
            ("certificate", "The station refused the signing certificate")]
JOB_STATES = [(s, s) for s in ("pending", "sent", "rejected", "failed", "installed", "cancelled")]
PUBLICATION_STATES = [(s, s) for s in ("pending", "sent", "rejected", "failed", "published",
                                       "unpublished")]


class Migration(migrations.Migration):
    dependencies = [("firmware", "0003_token_hash"),
                    ("security", "0004_reported_v2g_certificate_chain")]

    operations = [
        migrations.AddField(
            model_name="firmwarejob",
            name="install_date",
            field=models.DateTimeField(
                blank=True, null=True, help_text="Install from then on (2.0.1 and signed updates)"),
        ),
        migrations.AddField(
            model_name="firmwarejob",
            name="security_event",
            field=models.ForeignKey(
                blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+",
                to="security.securityevent",
                help_text=("The station's InvalidFirmwareSigningCertificate or InvalidFirmwareSignature "
                           "event")),
        ),
        migrations.AlterField(
            model_name="firmwarejob",
            name="failure",
            field=models.CharField(blank=True, choices=FAILURES, max_length=12),
        ),
        migrations.AlterField(
            model_name="uploadrequest",
            name="failure",
            field=models.CharField(blank=True, choices=FAILURES, max_length=12),
        ),
        migrations.AlterField(
            model_name="firmwarejob",
            name="state",
            field=models.CharField(choices=JOB_STATES, default="pending", max_length=10),
        ),
        migrations.CreateModel(
            name="FirmwarePublication",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False,
                                           verbose_name="ID")),
                ("request_id", models.PositiveIntegerField(blank=True, null=True)),
                ("location", models.CharField(max_length=512)),
                ("checksum", models.CharField(help_text="MD5 of the image (hex)", max_length=32)),
                ("retries", models.PositiveIntegerField(blank=True, null=True)),
                ("retry_interval", models.PositiveIntegerField(blank=True, null=True)),
                ("state", models.CharField(choices=PUBLICATION_STATES, default="pending", max_length=12)),
                ("status", models.CharField(blank=True, help_text="The last status reported", max_length=30)),
                ("published_locations", models.JSONField(blank=True, default=list)),
                ("unpublish_status", models.CharField(blank=True, help_text="UnpublishFirmware's last answer",
                                                      max_length=20)),
                ("failure_reason", models.CharField(blank=True, max_length=300)),
                ("response", models.JSONField(blank=True, null=True)),
                ("error", models.JSONField(blank=True, null=True)),
                ("history", models.JSONField(blank=True, default=list)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("sent_at", models.DateTimeField(blank=True, null=True)),
                ("status_at", models.DateTimeField(blank=True, null=True)),
                ("finished_at", models.DateTimeField(blank=True, null=True)),
                ("station", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE,
                                              related_name="firmware_publications", to="stations.station")),
                ("tenant", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE,
                                             related_name="firmware_publications", to="tenants.tenant")),
            ],
            options={
                "ordering": ["-created_at", "-id"],
                "indexes": [models.Index(fields=["station", "checksum"],
                                         name="firmware_fi_station_aadd87_idx")],
            },
        ),
    ]
