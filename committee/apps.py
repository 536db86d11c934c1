from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommitteeConfig(AppConfig):
    name = "committee"
    verbose_name = _("Organisation and committee")

    def ready(self):
        from opsplan import navigation

        navigation.register(navigation.NavItem(
            key="organisation", label=_("Organisation"), url_name="committee:organisation",
            permission="committee.view_organisation", order=90,
        ))
        navigation.register(navigation.NavItem(
            key="decisions", label=_("Committee decisions"), url_name="committee:decisions",
            permission="committee.view_decision", order=20,
        ))
