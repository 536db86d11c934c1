from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "meetings"
    verbose_name = _("Meetings")

    def ready(self):
        from django.apps import apps

        import meetings.tasks  # noqa: F401  (registers the beat tasks)
        from opsplan import navigation

        if apps.is_installed("risks"):
            from meetings.services import propose_adhoc_for_risk
            from risks.signals import risk_became_high

            risk_became_high.connect(
                lambda sender, risk, assessment=None, **kw: propose_adhoc_for_risk(
                    risk=risk, assessment=assessment),
                weak=False, dispatch_uid="meetings.propose_adhoc_for_risk")

        navigation.register(navigation.NavItem(
            key="meetings", label=_("Meetings"), url_name="meetings:list", permission=None,
            order=40,
        ))
