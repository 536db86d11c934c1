from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RisksConfig(AppConfig):
    name = "risks"
    verbose_name = _("Risks")

    def ready(self):
        from committee.signals import decision_closed
        from opsplan import navigation
        from risks.services import apply_committee_decision

        decision_closed.connect(
            lambda sender, decision, actor, **kw: apply_committee_decision(
                decision=decision, actor=actor),
            weak=False, dispatch_uid="risks.apply_committee_decision",
        )
        import risks.tasks  # noqa: F401  (registers the beat task)

        navigation.register(navigation.NavItem(
            key="risks", label=_("Risks"), url_name="risks:list", permission=None, order=30,
        ))
