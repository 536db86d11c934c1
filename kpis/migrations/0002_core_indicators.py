"""The policy's core indicator set: revenue, sales volume, customer count, customer
satisfaction, market share, cost, profit (kpis/catalog.py)."""

from django.db import migrations


def seed(apps, schema_editor):
    from kpis.catalog import ensure_core

    ensure_core(apps.get_model("kpis", "Indicator"), apps.get_model("committee", "Department"))


class Migration(migrations.Migration):
    dependencies = [("kpis", "0001_initial"), ("committee", "0002_decisions")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
