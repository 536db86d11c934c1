from committee.selectors import roles_of


def roles(request):
    """``user_roles``: the signed-in person's roles, for the layout and role-aware pages."""
    user = getattr(request, "user", None)
    return {"user_roles": roles_of(user) if user is not None else frozenset()}
