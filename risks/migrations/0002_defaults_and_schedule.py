"""A new installation starts with a 5 × 5 risk matrix (version 1), a small risk checklist
and the daily beat schedule of risk-review reminders (editable in the admin)."""

from django.db import migrations

TZ = "Asia/Shanghai"

CHECKLIST = [
    ("market", "Could demand in our main segment fall by more than 10 % this period?"),
    ("market", "Does the plan depend on one customer group or region for most revenue?"),
    ("competition", "Could a competitor cut prices or launch a substitute product?"),
    ("competition", "Could a key partner or distributor move to a competitor?"),
    ("technical", "Does the plan rely on a system or product feature not yet delivered?"),
    ("technical", "Could an outage or data loss stop sales or service?"),
    ("financial", "Could costs exceed the budget by more than 10 %?"),
    ("financial", "Could customers pay late enough to strain cash flow?"),
    ("legal", "Do new laws or regulations apply to the products, data or advertising?"),
    ("legal", "Are contracts, licences or permits due for renewal in the period?"),
    ("other", "Could losing a key person stop an action of the plan?"),
]


def create(apps, schema_editor):
    from risks import default_matrix

    RiskMatrix = apps.get_model("risks", "RiskMatrix")
    ChecklistItem = apps.get_model("risks", "ChecklistItem")
    if not RiskMatrix.objects.exists():
        RiskMatrix.objects.create(version=1, name="5 × 5", is_current=True,
                                  likelihood_labels=default_matrix.LIKELIHOOD,
                                  impact_labels=default_matrix.IMPACT,
                                  cells=default_matrix.CELLS, colours=default_matrix.COLOURS)
    if not ChecklistItem.objects.exists():
        for order, (category, question) in enumerate(CHECKLIST):
            ChecklistItem.objects.create(category=category, question=question, order=order)
    Crontab = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    schedule, _ = Crontab.objects.get_or_create(
        minute="30", hour="8", day_of_week="*", day_of_month="*", month_of_year="*",
        timezone=TZ)
    PeriodicTask.objects.get_or_create(name="risks: review reminders (daily)", defaults={
        "task": "risks.remind_due_reviews", "crontab": schedule,
        "description": "Remind the owners of risks whose review is due."})


def remove(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name__startswith="risks: ").delete()


class Migration(migrations.Migration):
    dependencies = [("risks", "0001_initial"),
                    ("django_celery_beat", "0019_alter_periodictasks_options")]

    operations = [migrations.RunPython(create, remove)]
