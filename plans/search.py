"""Search provider of plans: only plans the person may see (plans.selectors.plan_list)."""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from opsplan.search import Hit, Provider, register, snippet
from plans import selectors


def search_plans(user, text, limit):
    found = selectors.plan_list(user).filter(
        Q(title__icontains=text) | Q(summary__icontains=text))[:limit]
    return [Hit(kind="plans", title=p.title, url=p.get_absolute_url(),
                snippet=snippet(p.summary, text)
                or f"{p.department or p.get_level_display()} · {p.get_state_display()}")
            for p in found]


register(Provider(key="plans", label=_("Plans"), search=search_plans, order=10,
                  describes=_("plans by title and summary"), list_url="plans:list"))
