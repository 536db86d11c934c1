"""The beat schedule for the heartbeat task (editable afterwards in the admin)."""

from django.db import migrations


def create_schedule(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    every_minute, _ = IntervalSchedule.objects.get_or_create(every=1, period="minutes")
    PeriodicTask.objects.get_or_create(
        name="opsplan: beat heartbeat",
        defaults={
            "task": "opsplan.heartbeat",
            "interval": every_minute,
            "kwargs": '{"name": "beat"}',
            "description": "Proves that beat and a worker run; shown on /healthz.",
        },
    )


def remove_schedule(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name="opsplan: beat heartbeat").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("opsplan", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedule, remove_schedule)]
