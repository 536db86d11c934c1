from django.db import migrations


def create(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    every_minute, _ = IntervalSchedule.objects.get_or_create(every=1, period="minutes")
    PeriodicTask.objects.get_or_create(name="opsplan: send queued tasks", defaults={
        "task": "opsplan.flush_outbox", "interval": every_minute,
        "description": "Sends tasks kept while the broker was unreachable."})


def remove(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(
        name="opsplan: send queued tasks").delete()


class Migration(migrations.Migration):
    dependencies = [("opsplan", "0005_outboxtask"),
                    ("django_celery_beat", "0019_alter_periodictasks_options")]

    operations = [migrations.RunPython(create, remove)]
