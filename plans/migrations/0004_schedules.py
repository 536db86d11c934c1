"""Beat schedules for running plans (editable afterwards in the admin): the Friday-afternoon
weekly-report reminder, the Monday 09:00 fallback lock of last week's reports (when no weekly
meeting locked them) and the daily scan for overdue critical actions."""

from django.db import migrations

TZ = "Asia/Shanghai"


def create(apps, schema_editor):
    Crontab = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")

    def cron(minute, hour, day_of_week):
        schedule, _ = Crontab.objects.get_or_create(
            minute=minute, hour=hour, day_of_week=day_of_week, day_of_month="*",
            month_of_year="*", timezone=TZ)
        return schedule

    PeriodicTask.objects.get_or_create(name="plans: weekly report reminder (Friday)", defaults={
        "task": "plans.remind_weekly_reports", "crontab": cron("0", "15", "5"),
        "description": "Remind units that have not posted this week's progress report."})
    PeriodicTask.objects.get_or_create(name="plans: lock last week's reports (Monday)",
                                       defaults={
        "task": "plans.lock_due_weeks", "crontab": cron("0", "9", "1"),
        "description": "Lock last week's progress reports when no weekly meeting did."})
    PeriodicTask.objects.get_or_create(name="plans: overdue critical actions (daily)",
                                       defaults={
        "task": "plans.scan_overdue_actions", "crontab": cron("15", "8", "*"),
        "description": "Open a deviation for each overdue critical action."})


def remove(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name__startswith="plans: ").delete()


class Migration(migrations.Migration):
    dependencies = [("plans", "0003_execution_progress_deviations"),
                    ("django_celery_beat", "0019_alter_periodictasks_options")]

    operations = [migrations.RunPython(create, remove)]
