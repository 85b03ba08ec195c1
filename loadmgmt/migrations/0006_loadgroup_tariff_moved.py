"""A load group's tariff now lives in billing (LoadGroupTariff), copied there by its migration:
load management drops the column."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('billing', '0007_loadgrouptariff'),
        ('loadmgmt', '0005_loadgroup_stations'),
    ]

    operations = [
        migrations.RemoveField(
            model_name='loadgroup',
            name='tariff',
        ),
    ]
