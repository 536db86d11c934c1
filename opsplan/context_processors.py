from opsplan.navigation import items_for


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    from opsplan.notifications import unread_count

    def unread_notifications():
        # A callable: templates call it when they use it (fragments rendered with the
        # request, e.g. cached dashboard panels, never pay for it); one query per request.
        return unread_count(request)

    return {"nav_items": items_for(user), "unread_notifications": unread_notifications}
