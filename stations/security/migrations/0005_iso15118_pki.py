# Issue 19, block M: the built-in test PKI's contract certificates and the log of PKI requests
# (docs/pki.md). Written by hand.
import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("security", "0004_reported_v2g_certificate_chain")]

    operations = [
        migrations.CreateModel(
            name="ContractCertificate",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False,
                                           verbose_name="ID")),
                ("emaid", models.CharField(max_length=255)),
                ("serial_number", models.CharField(max_length=40)),
                ("issuer_name_hash", models.CharField(max_length=128)),
                ("issuer_key_hash", models.CharField(max_length=128)),
                ("certificate_pem", models.TextField()),
                ("not_after", models.DateTimeField()),
                ("state", models.CharField(choices=[("Valid", "Valid"), ("Revoked", "Revoked"),
                                                    ("ContractCancelled", "ContractCancelled")],
                                           default="Valid", max_length=20)),
                ("revoked_at", models.DateTimeField(blank=True, null=True)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("tenant", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE,
                                             related_name="+", to="tenants.tenant")),
            ],
            options={
                "ordering": ["-created_at", "-pk"],
                "constraints": [models.UniqueConstraint(
                    fields=("tenant", "issuer_key_hash", "serial_number"),
                    name="contract_certificate_once")],
            },
        ),
        migrations.CreateModel(
            name="PkiRequest",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False,
                                           verbose_name="ID")),
                ("action", models.CharField(max_length=40)),
                ("backend", models.CharField(max_length=20)),
                ("detail", models.CharField(blank=True, max_length=200)),
                ("status", models.CharField(max_length=40)),
                ("reason", models.CharField(blank=True, max_length=200)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("station", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE,
                                              related_name="pki_requests", to="stations.station")),
                ("tenant", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE,
                                             related_name="+", to="tenants.tenant")),
            ],
            options={
                "ordering": ["-created_at", "-pk"],
                "indexes": [models.Index(fields=["tenant", "created_at"],
                                         name="security_pk_tenant__18a10b_idx")],
            },
        ),
    ]
