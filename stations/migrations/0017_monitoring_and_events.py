# Issue 19, block N: NotifyEvent's events kept per station, and the monitoring base and level
# a station accepted (stations/models/monitoring.py). Written by hand.
import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("stations", "0016_device_report_parts")]

    operations = [
        migrations.CreateModel(
            name="StationMonitoring",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False,
                                           verbose_name="ID")),
                ("base", models.CharField(blank=True, help_text="All, FactoryDefault or HardWiredOnly",
                                          max_length=20)),
                ("level", models.PositiveSmallIntegerField(
                    blank=True, help_text="0 (Danger) .. 9 (Debug): events up to it", null=True)),
                ("updated_at", models.DateTimeField()),
                ("station", models.OneToOneField(on_delete=django.db.models.deletion.CASCADE,
                                                 related_name="monitoring", to="stations.station")),
            ],
        ),
        migrations.CreateModel(
            name="StationEvent",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False,
                                           verbose_name="ID")),
                ("event_id", models.IntegerField()),
                ("timestamp", models.DateTimeField(help_text="When it happened, as the station said")),
                ("trigger", models.CharField(help_text="Alerting, Delta or Periodic", max_length=20)),
                ("cause", models.IntegerField(blank=True, help_text="The eventId that caused it",
                                              null=True)),
                ("actual_value", models.CharField(blank=True, max_length=2500)),
                ("tech_code", models.CharField(blank=True, max_length=50)),
                ("tech_info", models.CharField(blank=True, max_length=500)),
                ("cleared", models.BooleanField(default=False, help_text="The condition is over")),
                ("transaction_id", models.CharField(blank=True, max_length=36)),
                ("variable_monitoring_id", models.IntegerField(blank=True, null=True)),
                ("notification_type", models.CharField(
                    help_text="HardWiredNotification, HardWiredMonitor, PreconfiguredMonitor or "
                              "CustomMonitor", max_length=30)),
                ("component", models.CharField(max_length=50)),
                ("component_instance", models.CharField(blank=True, max_length=50)),
                ("evse_id", models.IntegerField(blank=True, null=True)),
                ("evse_connector_id", models.IntegerField(blank=True, help_text="Within its EVSE",
                                                          null=True)),
                ("variable", models.CharField(max_length=50)),
                ("variable_instance", models.CharField(blank=True, max_length=50)),
                ("severity", models.PositiveSmallIntegerField(
                    blank=True, help_text="Its monitor's, when we know it", null=True)),
                ("fault", models.BooleanField(default=False,
                                              help_text="Read as a fault of its component")),
                ("connector_id", models.PositiveIntegerField(
                    blank=True, help_text="The connector a fault showed on", null=True)),
                ("seq_no", models.IntegerField(default=0,
                                               help_text="The NotifyEvent part it came in")),
                ("received_at", models.DateTimeField()),
                ("station", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE,
                                              related_name="events", to="stations.station")),
            ],
            options={
                "ordering": ["-timestamp", "-event_id"],
                "indexes": [models.Index(fields=["station", "-timestamp"],
                                         name="station_event_latest")],
                "constraints": [models.UniqueConstraint(fields=("station", "event_id", "timestamp"),
                                                        name="station_event_once")],
            },
        ),
    ]
