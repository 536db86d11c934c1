"""Beat schedules for indicator data (editable afterwards in the admin)."""

from django.db import migrations


def create(apps, schema_editor):
    Crontab = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    nightly, _ = Crontab.objects.get_or_create(minute="30", hour="2", day_of_week="*",
                                               day_of_month="*", month_of_year="*",
                                               timezone="Asia/Shanghai")
    morning, _ = Crontab.objects.get_or_create(minute="0", hour="9", day_of_week="*",
                                               day_of_month="*", month_of_year="*",
                                               timezone="Asia/Shanghai")
    PeriodicTask.objects.get_or_create(name="kpis: full rollup (nightly)", defaults={
        "task": "kpis.rollup_full", "crontab": nightly,
        "description": "Recompute every indicator rollup and deviation signal."})
    PeriodicTask.objects.get_or_create(name="kpis: remind missing data (daily)", defaults={
        "task": "kpis.remind_stale", "crontab": morning,
        "description": "Remind collectors whose indicator data is missing."})


def remove(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name__startswith="kpis: ").delete()


class Migration(migrations.Migration):
    dependencies = [("kpis", "0002_core_indicators"),
                    ("django_celery_beat", "0019_alter_periodictasks_options")]

    operations = [migrations.RunPython(create, remove)]
