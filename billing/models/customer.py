"""Customers: the billing accounts that own id tags and receive invoices."""

from django.db import models

from tenants.models import Tenant


class Customer(models.Model):
    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="customers")
    name = models.CharField(max_length=200)
    address = models.TextField(blank=True, help_text="Postal address, as printed on invoices")
    email = models.EmailField(blank=True)
    vat_id = models.CharField(max_length=30, blank=True, help_text="Needed where reverse charge applies")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name
