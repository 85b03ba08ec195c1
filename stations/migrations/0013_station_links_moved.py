"""A station's tariff and load group now live in billing (StationTariff) and load management
(LoadGroupMember), copied there by their migrations: the core drops its two columns."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('billing', '0006_stationtariff'),
        ('loadmgmt', '0004_loadgroupmember'),
        ('stations', '0012_version_neutral_domain'),
    ]

    operations = [
        migrations.RemoveField(
            model_name='station',
            name='load_group',
        ),
        migrations.RemoveField(
            model_name='station',
            name='tariff',
        ),
    ]
