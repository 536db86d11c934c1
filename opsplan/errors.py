"""Domain errors shared by services. Interfaces translate them: the API into 409, pages into a
message and a 409 response."""

from django.utils.translation import gettext_lazy as _


class Conflict(Exception):
    """The request is understood, but the record's current state does not allow it now."""

    default_message = _("This is not allowed in the record's current state.")

    def __init__(self, message=None):
        self.message = message or self.default_message
        super().__init__(str(self.message))


class Contention(Conflict):
    """The database gave up on this transaction because another one changed the same rows at
    the same moment (a deadlock or serialisation failure); nothing was stored."""

    default_message = _("Someone else changed this record at the same moment: nothing was "
                        "stored, please try again.")


# PostgreSQL SQLSTATEs: serialization_failure, deadlock_detected, lock_not_available
RETRYABLE_SQLSTATES = {"40001", "40P01", "55P03"}


def as_contention(exc: BaseException) -> Contention | None:
    """A Contention for a database error that only means "lost a race", else None."""
    from django.db import OperationalError

    if not isinstance(exc, OperationalError):
        return None
    cause = exc.__cause__
    if getattr(cause, "sqlstate", None) in RETRYABLE_SQLSTATES:
        return Contention()
    return None
