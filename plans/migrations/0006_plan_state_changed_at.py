"""Plan.state_changed_at: when the plan entered its current state, denormalised from the audit
log (every transition is audited as ``plans.plan.<transition>``), with an index (state, time
in state) for the boards that show the longest-waiting plans of each state; and an index of
the unresolved deviations by age (the planning dashboard's oldest open deviations) and of a
unit's action items by deadline (the business-unit desk)."""

import django.utils.timezone
from django.conf import settings
from django.db import migrations, models
from django.db.models import CharField, F, OuterRef, Subquery
from django.db.models.functions import Cast, Coalesce

# The audited transitions of the plan state machine at the time of this migration.
TRANSITIONS = ("start_drafting", "submit_for_review", "return_to_drafting",
               "submit_to_committee", "approve", "reject", "start_monitoring",
               "force_monitoring", "start_adjustment", "complete", "cancel")


def backfill(apps, schema_editor):
    """Each plan's newest audited transition, else its creation (a new plan starts in needs
    analysis and only a transition moves it)."""
    Plan = apps.get_model("plans", "Plan")
    AuditEvent = apps.get_model("opsplan", "AuditEvent")
    newest = (AuditEvent.objects.filter(
        subject_type__app_label="plans", subject_type__model="plan",
        subject_id=Cast(OuterRef("pk"), CharField()),
        action__in=[f"plans.plan.{name}" for name in TRANSITIONS])
        .order_by("-created_at", "-pk").values("created_at")[:1])
    Plan.objects.using(schema_editor.connection.alias).update(
        state_changed_at=Coalesce(Subquery(newest), F("created_at")))


class Migration(migrations.Migration):

    dependencies = [
        ('committee', '0005_user_time_zone'),
        ('contenttypes', '0002_remove_content_type_name'),
        ('opsplan', '0007_notification_preferences'),
        ('plans', '0005_deviation_source_cost_overrun'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='plan',
            name='state_changed_at',
            field=models.DateTimeField(default=django.utils.timezone.now, editable=False,
                                       verbose_name='in this state since'),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name='plan',
            index=models.Index(fields=['state', 'state_changed_at', 'id'],
                               name='plans_plan_state_since'),
        ),
        migrations.AddIndex(
            model_name='deviation',
            index=models.Index(condition=models.Q(('state__in', ['open', 'in_adjustment'])),
                               fields=['created_at', 'id'], name='plans_deviation_open_age'),
        ),
        migrations.AddIndex(
            model_name='actionitem',
            index=models.Index(fields=['department', 'deadline'],
                               name='plans_action_unit_deadline'),
        ),
    ]
