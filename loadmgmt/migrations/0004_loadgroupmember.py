"""A station's load group moves from stations.Station.load_group to loadmgmt.LoadGroupMember
(the station core knows nothing of load groups): every station's group is copied here, and
stations' next migration drops the old column. Unapplied, the copy goes back."""

import django.db.models.deletion
from django.db import migrations, models


def copy_groups(apps, schema_editor):
    Station = apps.get_model("stations", "Station")
    LoadGroupMember = apps.get_model("loadmgmt", "LoadGroupMember")
    rows = Station.objects.filter(load_group__isnull=False).values_list("pk", "load_group_id")
    LoadGroupMember.objects.bulk_create(
        [LoadGroupMember(station_id=pk, group_id=group_id) for pk, group_id in rows.iterator()],
        batch_size=1000)


def copy_groups_back(apps, schema_editor):
    Station = apps.get_model("stations", "Station")
    LoadGroupMember = apps.get_model("loadmgmt", "LoadGroupMember")
    for station_id, group_id in LoadGroupMember.objects.values_list("station_id", "group_id").iterator():
        Station.objects.filter(pk=station_id).update(load_group_id=group_id)


class Migration(migrations.Migration):

    dependencies = [
        ('loadmgmt', '0003_connector_limit_held'),
        ('stations', '0012_version_neutral_domain'),
    ]

    operations = [
        migrations.CreateModel(
            name='LoadGroupMember',
            fields=[
                ('station', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='load_group_membership', serialize=False, to='stations.station')),
                ('group', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='members', to='loadmgmt.loadgroup')),
            ],
        ),
        migrations.RunPython(copy_groups, copy_groups_back),
    ]
