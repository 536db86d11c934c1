from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KpisConfig(AppConfig):
    name = "kpis"
    verbose_name = _("KPIs and data")

    def ready(self):
        from opsplan import navigation

        navigation.register(navigation.NavItem(
            key="kpis", label=_("Indicators"), url_name="kpis:catalog",
            permission="kpis.list_indicators", order=30,
        ))
        navigation.register(navigation.NavItem(
            key="evaluation", label=_("Evaluation"), url_name="kpis:cycles",
            permission="kpis.list_evaluations", order=35,
        ))
