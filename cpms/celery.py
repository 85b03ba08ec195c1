import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cpms.settings")

app = Celery("cpms")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
app.autodiscover_tasks(["billing.invoices"])  # an app's subpackage with its own tasks.py
app.autodiscover_tasks(["billing.invoices"], related_name="email")  # e-mailing an invoice
