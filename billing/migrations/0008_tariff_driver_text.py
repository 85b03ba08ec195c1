"""A tariff's own words for drivers (docs/ocpp201.md, the price told to the driver): when set,
a 2.0.1 station shows them instead of the generated price line, in their language."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('billing', '0007_loadgrouptariff'),
    ]

    operations = [
        migrations.AddField(
            model_name='tariff',
            name='driver_text',
            field=models.CharField(blank=True, default='', help_text='Told to 2.0.1 drivers instead of the generated price line', max_length=512),
        ),
        migrations.AddField(
            model_name='tariff',
            name='driver_language',
            field=models.CharField(blank=True, default='', help_text='RFC 5646 language of driver_text, e.g. de', max_length=8),
        ),
    ]
