"""A load group's stations, through LoadGroupMember (no change to the database)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('loadmgmt', '0004_loadgroupmember'),
        ('stations', '0013_station_links_moved'),
    ]

    operations = [
        migrations.AddField(
            model_name='loadgroup',
            name='stations',
            field=models.ManyToManyField(blank=True, editable=False, help_text='Joined and left through loadmgmt.services (station_group_set)', related_name='+', through='loadmgmt.LoadGroupMember', to='stations.station'),
        ),
    ]
