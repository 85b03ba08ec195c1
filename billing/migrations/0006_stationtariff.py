"""A station's own tariff moves from stations.Station.tariff to billing.StationTariff (the
station core knows nothing of tariffs): every station's tariff is copied here, and stations'
next migration drops the old column. Unapplied, the copy goes back."""

import django.db.models.deletion
from django.db import migrations, models


def copy_tariffs(apps, schema_editor):
    Station = apps.get_model("stations", "Station")
    StationTariff = apps.get_model("billing", "StationTariff")
    rows = Station.objects.filter(tariff__isnull=False).values_list("pk", "tariff_id")
    StationTariff.objects.bulk_create(
        [StationTariff(station_id=pk, tariff_id=tariff_id) for pk, tariff_id in rows.iterator()],
        batch_size=1000)


def copy_tariffs_back(apps, schema_editor):
    Station = apps.get_model("stations", "Station")
    StationTariff = apps.get_model("billing", "StationTariff")
    for station_id, tariff_id in StationTariff.objects.values_list("station_id", "tariff_id").iterator():
        Station.objects.filter(pk=station_id).update(tariff_id=tariff_id)


class Migration(migrations.Migration):

    dependencies = [
        ('billing', '0005_seller_logo_raster_only'),
        ('stations', '0012_version_neutral_domain'),
    ]

    operations = [
        migrations.CreateModel(
            name='StationTariff',
            fields=[
                ('station', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='station_tariff', serialize=False, to='stations.station')),
                ('tariff', models.ForeignKey(help_text="The current version of one of the station's tenant's tariffs", on_delete=django.db.models.deletion.PROTECT, related_name='+', to='billing.tariff')),
            ],
        ),
        migrations.RunPython(copy_tariffs, copy_tariffs_back),
    ]
