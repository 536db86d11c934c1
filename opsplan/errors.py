"""Domain errors shared by services. Interfaces translate them: the API into 409, pages into a
message and a 409 response."""

from django.utils.translation import gettext_lazy as _


class Conflict(Exception):
    """The request is understood, but the record's current state does not allow it now."""

    default_message = _("This is not allowed in the record's current state.")

    def __init__(self, message=None):
        self.message = message or self.default_message
        super().__init__(str(self.message))
