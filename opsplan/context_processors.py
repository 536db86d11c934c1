from opsplan.navigation import items_for


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    from functools import cache

    from opsplan.models import Notification

    @cache
    def unread_notifications():
        # A callable: templates call it when they use it, once (fragments rendered with the
        # request, e.g. cached dashboard panels, never pay for it).
        return Notification.objects.filter(recipient=user, read_at__isnull=True).count()

    return {"nav_items": items_for(user), "unread_notifications": unread_notifications}
