# Reserved for issue 19's work on this app: ISO 15118 charging needs and the car's schedules.
import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("smartcharging", "0005_external_charging_limits"),
        ("stations", "0001_initial"),
        ("tenants", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="ChargingNeeds",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False,
                                           verbose_name="ID")),
                ("evse_id", models.PositiveIntegerField()),
                ("requested_energy_transfer", models.CharField(
                    help_text="DC, AC_three_phase...", max_length=20)),
                ("departure_time", models.DateTimeField(blank=True, null=True)),
                ("energy_amount_wh", models.PositiveIntegerField(
                    blank=True, help_text="Energy asked, Wh", null=True)),
                ("ev_min_current", models.PositiveIntegerField(blank=True, help_text="A", null=True)),
                ("ev_max_current", models.PositiveIntegerField(blank=True, help_text="A", null=True)),
                ("ev_max_voltage", models.PositiveIntegerField(blank=True, help_text="V", null=True)),
                ("ev_max_power", models.PositiveIntegerField(blank=True, help_text="W (DC)",
                                                             null=True)),
                ("state_of_charge", models.PositiveSmallIntegerField(
                    blank=True, help_text="% (DC)", null=True)),
                ("max_schedule_tuples", models.PositiveIntegerField(blank=True, null=True)),
                ("meter_wh", models.BigIntegerField(
                    blank=True, help_text="The session's meter when the needs came", null=True)),
                ("payload", models.JSONField(default=dict, help_text="chargingNeeds as received")),
                ("status", models.CharField(help_text="Our answer: Accepted or Rejected",
                                            max_length=15)),
                ("received_at", models.DateTimeField()),
                ("session", models.ForeignKey(
                    blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL,
                    related_name="charging_needs", to="stations.chargingsession")),
                ("station", models.ForeignKey(
                    on_delete=django.db.models.deletion.CASCADE, related_name="charging_needs",
                    to="stations.station")),
                ("tenant", models.ForeignKey(
                    on_delete=django.db.models.deletion.CASCADE, related_name="+",
                    to="tenants.tenant")),
            ],
            options={
                "ordering": ["-received_at", "-id"],
                "indexes": [models.Index(fields=["station", "evse_id", "-received_at"],
                                         name="charging_needs_latest")],
            },
        ),
        migrations.CreateModel(
            name="EVChargingSchedule",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False,
                                           verbose_name="ID")),
                ("evse_id", models.PositiveIntegerField()),
                ("time_base", models.DateTimeField()),
                ("schedule", models.JSONField(help_text="chargingSchedule as received")),
                ("status", models.CharField(help_text="Accepted or Rejected", max_length=10)),
                ("reason", models.CharField(blank=True, help_text="Why it was rejected",
                                            max_length=200)),
                ("received_at", models.DateTimeField()),
                ("profile", models.ForeignKey(
                    blank=True, help_text="The profile it was checked against", null=True,
                    on_delete=django.db.models.deletion.SET_NULL, related_name="+",
                    to="smartcharging.chargingprofile")),
                ("session", models.ForeignKey(
                    blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL,
                    related_name="ev_schedules", to="stations.chargingsession")),
                ("station", models.ForeignKey(
                    on_delete=django.db.models.deletion.CASCADE, related_name="ev_schedules",
                    to="stations.station")),
                ("tenant", models.ForeignKey(
                    on_delete=django.db.models.deletion.CASCADE, related_name="+",
                    to="tenants.tenant")),
            ],
            options={"ordering": ["-received_at", "-id"]},
        ),
    ]
