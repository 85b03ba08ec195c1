# Reserved for issue 19's work on this app (filled by hand; empty if nothing was needed).
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("stations", "0016_device_report_parts")]

    operations = []
