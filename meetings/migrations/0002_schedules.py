"""Beat schedules for the regular meetings (editable afterwards in the admin): the weekly
operations meeting on Monday 09:00 and the monthly summary meeting, checked on the first three
days of each month at 08:00 (only the first working day creates it)."""

from django.db import migrations

TZ = "Asia/Shanghai"


def create(apps, schema_editor):
    Crontab = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")

    def cron(minute, hour, day_of_week="*", day_of_month="*"):
        schedule, _ = Crontab.objects.get_or_create(
            minute=minute, hour=hour, day_of_week=day_of_week, day_of_month=day_of_month,
            month_of_year="*", timezone=TZ)
        return schedule

    PeriodicTask.objects.get_or_create(name="meetings: weekly operations meeting (Monday)",
                                       defaults={
        "task": "meetings.create_weekly", "crontab": cron("0", "9", day_of_week="1"),
        "description": "Create this week's operations meeting with its agenda and invite the "
                       "business-unit heads."})
    PeriodicTask.objects.get_or_create(name="meetings: monthly summary meeting", defaults={
        "task": "meetings.create_monthly", "crontab": cron("0", "8", day_of_month="1-3"),
        "description": "Create the monthly summary meeting on the first working day."})


def remove(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name__startswith="meetings: ").delete()


class Migration(migrations.Migration):
    dependencies = [("meetings", "0001_initial"),
                    ("django_celery_beat", "0019_alter_periodictasks_options")]

    operations = [migrations.RunPython(create, remove)]
