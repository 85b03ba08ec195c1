from django.db import migrations, models


class Migration(migrations.Migration):
    """Stations gain the OCPP version of their latest connection; every station that connected
    before spoke 1.6, the only version served until now (docs/domain-model.md)."""

    dependencies = [
        ("stations", "0013_station_links_moved"),
    ]

    operations = [
        migrations.AddField(
            model_name="station",
            name="ocpp_version",
            field=models.CharField(blank=True, editable=False, help_text="The OCPP version of its latest connection (1.6, 2.0.1); blank: never connected", max_length=10),
        ),
        migrations.RunSQL(
            "UPDATE stations_station SET ocpp_version = '1.6' "
            "WHERE last_seen IS NOT NULL OR last_boot_at IS NOT NULL",
            reverse_sql=migrations.RunSQL.noop,
        ),
    ]
