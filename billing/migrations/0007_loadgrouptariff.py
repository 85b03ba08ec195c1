"""A load group's tariff moves from loadmgmt.LoadGroup.tariff to billing.LoadGroupTariff (load
management knows nothing of tariffs): every group's tariff is copied here, and loadmgmt's next
migration drops the old column. Unapplied, the copy goes back."""

import django.db.models.deletion
from django.db import migrations, models


def copy_tariffs(apps, schema_editor):
    LoadGroup = apps.get_model("loadmgmt", "LoadGroup")
    LoadGroupTariff = apps.get_model("billing", "LoadGroupTariff")
    rows = LoadGroup.objects.filter(tariff__isnull=False).values_list("pk", "tariff_id")
    LoadGroupTariff.objects.bulk_create(
        [LoadGroupTariff(group_id=pk, tariff_id=tariff_id) for pk, tariff_id in rows.iterator()],
        batch_size=1000)


def copy_tariffs_back(apps, schema_editor):
    LoadGroup = apps.get_model("loadmgmt", "LoadGroup")
    LoadGroupTariff = apps.get_model("billing", "LoadGroupTariff")
    for group_id, tariff_id in LoadGroupTariff.objects.values_list("group_id", "tariff_id").iterator():
        LoadGroup.objects.filter(pk=group_id).update(tariff_id=tariff_id)


class Migration(migrations.Migration):

    dependencies = [
        ('billing', '0006_stationtariff'),
        ('loadmgmt', '0005_loadgroup_stations'),
    ]

    operations = [
        migrations.CreateModel(
            name='LoadGroupTariff',
            fields=[
                ('group', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='group_tariff', serialize=False, to='loadmgmt.loadgroup')),
                ('tariff', models.ForeignKey(help_text='For its stations that have none of their own', on_delete=django.db.models.deletion.PROTECT, related_name='+', to='billing.tariff')),
            ],
        ),
        migrations.RunPython(copy_tariffs, copy_tariffs_back),
    ]
