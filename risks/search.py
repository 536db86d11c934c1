"""Search provider of the risk register: only risks the person may see
(risks.selectors.register)."""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from opsplan.search import Hit, Provider, register, snippet
from risks import selectors


def search_risks(user, text, limit):
    found = selectors.register(user).filter(
        Q(title__icontains=text) | Q(description__icontains=text))[:limit]
    return [Hit(kind="risks", title=r.title, url=r.get_absolute_url(),
                snippet=snippet(r.description, text)
                or f"{r.department} · {r.get_status_display()}")
            for r in found]


register(Provider(key="risks", label=_("Risks"), search=search_risks, order=30,
                  describes=_("risks by title and description"), list_url="risks:list"))
