# Issue 19, block N: a log request the station cancelled for a newer one (GetLog answered
# AcceptedCanceled, 2.0.1 N01) ends as "cancelled". Written by hand.
from django.db import migrations, models

STATES = [(s, s) for s in ("pending", "sent", "rejected", "failed", "cancelled")]


class Migration(migrations.Migration):
    dependencies = [("firmware", "0004_signed_and_published_firmware")]

    operations = [
        migrations.AlterField(
            model_name="uploadrequest",
            name="state",
            field=models.CharField(choices=STATES, default="pending", max_length=10),
        ),
    ]
