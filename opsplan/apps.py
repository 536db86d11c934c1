from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpsPlanConfig(AppConfig):
    name = "opsplan"
    verbose_name = _("OpsPlan")

    def ready(self):
        from opsplan import signals  # noqa: F401  (login audit receivers)
