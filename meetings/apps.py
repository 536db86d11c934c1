from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "meetings"
    verbose_name = _("Meetings")

    def ready(self):
        import meetings.tasks  # noqa: F401  (registers the beat tasks)
        from opsplan import navigation

        navigation.register(navigation.NavItem(
            key="meetings", label=_("Meetings"), url_name="meetings:list", permission=None,
            order=40,
        ))
