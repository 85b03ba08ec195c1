# OCPP 2.0.1 reservations: id tokens up to 36 characters with their type, and a connector type.
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("reservations", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="reservation",
            name="connector_type",
            field=models.CharField(
                blank=True, max_length=20,
                help_text="OCPP 2.0.1 connectorType (e.g. cCCS2, cType2): any EVSE with such a connector"),
        ),
        migrations.AddField(
            model_name="reservation",
            name="token_type",
            field=models.CharField(blank=True, max_length=20,
                                   help_text="The id token's type (OCPP 2.0.1 IdTokenType)"),
        ),
        migrations.AlterField(
            model_name="reservation",
            name="id_tag",
            field=models.CharField(max_length=36),
        ),
        migrations.AlterField(
            model_name="reservation",
            name="parent_id_tag",
            field=models.CharField(blank=True, max_length=36),
        ),
    ]
