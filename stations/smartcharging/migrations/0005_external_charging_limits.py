# Reserved for issue 19's work on this app: external charging limits (NotifyChargingLimit).
import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("smartcharging", "0004_remote_start_id_token_36"),
        ("stations", "0001_initial"),
        ("tenants", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="ExternalChargingLimit",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False,
                                           verbose_name="ID")),
                ("evse_id", models.PositiveIntegerField(default=0, help_text="0: the whole station")),
                ("source", models.CharField(choices=[
                    ("EMS", "Energy management system"), ("Other", "Other"),
                    ("SO", "System operator (grid)"), ("CSO", "Charging station operator")],
                    max_length=5)),
                ("grid_critical", models.BooleanField(blank=True, help_text="isGridCritical, if told",
                                                      null=True)),
                ("schedules", models.JSONField(blank=True, default=list, help_text=(
                    "chargingSchedule as notified (OCPP 2.0.1 JSON); empty: the station did not "
                    "tell the limit"))),
                ("received_at", models.DateTimeField()),
                ("ended", models.CharField(blank=True, choices=[
                    ("", "Active"), ("Replaced", "Replaced by a newer notification"),
                    ("Cleared", "Released (ClearedChargingLimit)")], max_length=10)),
                ("ended_at", models.DateTimeField(blank=True, null=True)),
                ("station", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE,
                                              related_name="external_charging_limits",
                                              to="stations.station")),
                ("tenant", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE,
                                             related_name="+", to="tenants.tenant")),
            ],
            options={"ordering": ["-received_at", "-id"]},
        ),
        migrations.AddConstraint(
            model_name="externalcharginglimit",
            constraint=models.UniqueConstraint(condition=models.Q(("ended", "")),
                                               fields=("station", "evse_id", "source"),
                                               name="external_limit_active_once"),
        ),
    ]
