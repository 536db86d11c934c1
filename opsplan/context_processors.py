from opsplan.navigation import items_for


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    from opsplan.models import Notification

    return {
        "nav_items": items_for(user),
        "unread_notifications": Notification.objects.filter(recipient=user,
                                                            read_at__isnull=True).count(),
    }
