"""Authentication backends."""

from django.contrib.auth.backends import ModelBackend


class StaffModelBackend(ModelBackend):
    """Django's model permissions (groups, per-user permissions) count only for staff, the
    people who use the admin. Everyone else's permissions come from `rules` predicates over
    their memberships, so pages never spend queries loading model permissions for them.

    Composition, not plumbing: it reads the person through ``committee`` (where the user model
    and the roles cache live)."""

    def get_user(self, user_id):
        """The session's person, with their roles, from the shared cache when it has them
        (``committee.selectors.person``; one round trip on a signed-in page, no query)."""
        from committee.selectors import person

        user = person(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None

    def get_all_permissions(self, user_obj, obj=None):
        if not (user_obj.is_active and (user_obj.is_staff or user_obj.is_superuser)):
            return set()
        return super().get_all_permissions(user_obj, obj)

    def has_module_perms(self, user_obj, app_label):
        if not (user_obj.is_active and (user_obj.is_staff or user_obj.is_superuser)):
            return False
        return super().has_module_perms(user_obj, app_label)
