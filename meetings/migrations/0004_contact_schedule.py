"""Daily reminder of overdue external contacts (editable in the admin)."""

from django.db import migrations


def create(apps, schema_editor):
    Crontab = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    schedule, _ = Crontab.objects.get_or_create(minute="30", hour="8", day_of_week="*",
                                                day_of_month="*", month_of_year="*",
                                                timezone="Asia/Shanghai")
    PeriodicTask.objects.get_or_create(name="meetings: overdue external contacts (daily)",
                                       defaults={"task": "meetings.remind_overdue_contacts",
                                                 "crontab": schedule})


def remove(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(
        name="meetings: overdue external contacts (daily)").delete()


class Migration(migrations.Migration):
    dependencies = [("meetings", "0003_communication")]

    operations = [migrations.RunPython(create, remove)]
