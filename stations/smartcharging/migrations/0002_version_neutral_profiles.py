from django.db import migrations, models


class Migration(migrations.Migration):
    """Charging profiles gain their EVSE and the transaction id as a string; every existing row
    was sent to a 1.6 station, whose connector is its own EVSE (docs/domain-model.md)."""

    dependencies = [
        ("smartcharging", "0001_initial"),
    ]

    operations = [
        migrations.AlterField(
            model_name="chargingprofile",
            name="transaction_id",
            field=models.IntegerField(blank=True, help_text="OCPP 1.6: the integer the backend assigned", null=True),
        ),
        migrations.AddField(
            model_name="chargingprofile",
            name="evse_id",
            field=models.PositiveIntegerField(blank=True, help_text="The EVSE it applies to (1.6: the connector)", null=True),
        ),
        migrations.AddField(
            model_name="chargingprofile",
            name="station_transaction_id",
            field=models.CharField(blank=True, help_text="The transaction it is bound to, as a string", max_length=36),
        ),
        migrations.RunSQL(
            "UPDATE smartcharging_chargingprofile SET evse_id = connector_id, "
            "station_transaction_id = COALESCE(CAST(transaction_id AS VARCHAR(36)), '')",
            reverse_sql=migrations.RunSQL.noop,
        ),
    ]
