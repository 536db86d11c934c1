from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpsPlanConfig(AppConfig):
    name = "opsplan"
    verbose_name = _("OpsPlan")

    def ready(self):
        import rules

        from committee.rules import is_signed_in
        from opsplan import signals  # noqa: F401  (login audit receivers)

        if not rules.perm_exists("opsplan.manage_own_notifications"):
            rules.add_perm("opsplan.manage_own_notifications", is_signed_in)

        from opsplan import dashboards, notifications
        from opsplan.cache import read_ahead

        read_ahead(notifications.read_ahead_keys)
        read_ahead(dashboards.read_ahead_keys)

        from opsplan import navigation

        navigation.register(navigation.NavItem(
            key="audit", label=_("Audit trail"), url_name="audit-trail",
            permission="opsplan.view_audit_trail", order=95,
        ))
