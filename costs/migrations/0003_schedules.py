"""The daily reminder for variance explanations (editable afterwards in the admin)."""

from django.db import migrations

TZ = "Asia/Shanghai"


def create(apps, schema_editor):
    Crontab = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    schedule, _ = Crontab.objects.get_or_create(
        minute="30", hour="8", day_of_week="*", day_of_month="*", month_of_year="*",
        timezone=TZ)
    PeriodicTask.objects.get_or_create(name="costs: variance explanations (daily)", defaults={
        "task": "costs.remind_variance_explanations", "crontab": schedule,
        "description": "Ask for the variance explanations the monthly cost report lacks."})


def remove(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name__startswith="costs: ").delete()


class Migration(migrations.Migration):
    dependencies = [("costs", "0002_explanation_reminder"),
                    ("django_celery_beat", "0019_alter_periodictasks_options")]

    operations = [migrations.RunPython(create, remove)]
