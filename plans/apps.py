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
        navigation.register(navigation.NavItem(
            key="plans", label=_("Plans"), url_name="plans:list", permission=None, order=10,
        ))
