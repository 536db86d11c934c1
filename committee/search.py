"""Search providers of the organisation: departments and people (everyone signed in may read
them, committee.view_department / committee.view_user)."""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from committee import selectors
from opsplan.search import Hit, Provider, register, snippet


def search_departments(user, text, limit):
    if not user.has_perm("committee.view_department"):
        return []
    found = (selectors.department_list().filter(
        Q(code__icontains=text) | Q(name__icontains=text) | Q(description__icontains=text))
        .order_by("name")[:limit])
    return [Hit(kind="departments", title=d.name, code=d.code, url=d.get_absolute_url(),
                snippet=snippet(d.description or d.get_kind_display(), text))
            for d in found]


def search_people(user, text, limit):
    if not user.has_perm("committee.view_user"):
        return []
    found = selectors.people_list(search=text)[:limit]
    return [Hit(kind="people", title=str(p), code=p.username, url=p.get_absolute_url(),
                snippet=", ".join(f"{m.department.name} · {m.get_position_display()}"
                                  for m in p.current_memberships))
            for p in found]


register(Provider(key="departments", label=_("Departments"), search=search_departments,
                  order=50, describes=_("departments by code, name and description")))
register(Provider(key="people", label=_("People"), search=search_people, order=60,
                  describes=_("people by name, user name and e-mail"),
                  list_url="committee:people"))
