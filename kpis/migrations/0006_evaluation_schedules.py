"""Beat schedules for the performance evaluation (editable in the admin): open the due cycles
and remind missing 360-degree feedback, daily."""

from django.db import migrations


def create(apps, schema_editor):
    Crontab = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")

    def cron(minute, hour):
        schedule, _ = Crontab.objects.get_or_create(
            minute=minute, hour=hour, day_of_week="*", day_of_month="*", month_of_year="*",
            timezone="Asia/Shanghai")
        return schedule

    PeriodicTask.objects.get_or_create(name="kpis: open evaluation cycles (daily)", defaults={
        "task": "kpis.open_evaluation_cycles", "crontab": cron("0", "6")})
    PeriodicTask.objects.get_or_create(name="kpis: remind missing 360 feedback (daily)",
                                       defaults={"task": "kpis.remind_feedback",
                                                 "crontab": cron("0", "10")})


def remove(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(
        name__in=["kpis: open evaluation cycles (daily)",
                  "kpis: remind missing 360 feedback (daily)"]).delete()


class Migration(migrations.Migration):
    dependencies = [("kpis", "0005_performance_evaluation"),
                    ("django_celery_beat", "0019_alter_periodictasks_options")]

    operations = [migrations.RunPython(create, remove)]
