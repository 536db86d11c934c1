"""Authentication backends."""

from django.contrib.auth.backends import ModelBackend


class StaffModelBackend(ModelBackend):
    """Django's model permissions (groups, per-user permissions) count only for staff, the
    people who use the admin. Everyone else's permissions come from `rules` predicates over
    their memberships, so pages never spend queries loading model permissions for them."""

    def get_all_permissions(self, user_obj, obj=None):
        if not (user_obj.is_active and (user_obj.is_staff or user_obj.is_superuser)):
            return set()
        return super().get_all_permissions(user_obj, obj)

    def has_module_perms(self, user_obj, app_label):
        if not (user_obj.is_active and (user_obj.is_staff or user_obj.is_superuser)):
            return False
        return super().has_module_perms(user_obj, app_label)
