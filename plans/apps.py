from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    name = "plans"
    verbose_name = _("Plans")

    def ready(self):
        from committee.signals import decision_closed
        from opsplan import navigation
        from plans.services import apply_committee_decision

        decision_closed.connect(
            lambda sender, decision, actor, **kw: apply_committee_decision(
                decision=decision, actor=actor),
            weak=False, dispatch_uid="plans.apply_committee_decision",
        )
        from django.db.models.signals import post_save

        from kpis.models import DeviationSignal

        def _signal_opened(sender, instance, created, **kwargs):
            if created and instance.state == "open":
                from plans.services import deviations_from_signal

                deviations_from_signal(instance)

        post_save.connect(_signal_opened, sender=DeviationSignal, weak=False,
                          dispatch_uid="plans.deviations_from_signal")
        import plans.tasks  # noqa: F401  (registers the beat tasks)

        navigation.register(navigation.NavItem(
            key="plans", label=_("Plans"), url_name="plans:list", permission=None, order=10,
        ))
