from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommitteeConfig(AppConfig):
    name = "committee"
    verbose_name = _("Organisation and committee")

    def ready(self):
        from django.contrib.auth import get_user_model
        from django.db.models.signals import post_delete, post_save

        from committee.models import CommitteeSeat, Department, Membership
        from committee.selectors import organisation_changed, read_ahead_keys
        from opsplan.cache import read_ahead

        read_ahead(read_ahead_keys)

        for model in (get_user_model(), Department, Membership, CommitteeSeat):
            for signal in (post_save, post_delete):
                signal.connect(organisation_changed, sender=model,
                               dispatch_uid=f"roles-{model.__name__}-{signal is post_save}")
        from opsplan import navigation

        navigation.register(navigation.NavItem(
            key="organisation", label=_("Organisation"), url_name="committee:organisation",
            permission="committee.view_organisation", order=90,
        ))
        navigation.register(navigation.NavItem(
            key="decisions", label=_("Committee decisions"), url_name="committee:decisions",
            permission="committee.view_decision", order=20,
        ))
