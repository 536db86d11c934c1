"""Search provider of the indicator catalog: only indicators the person may read
(kpis.selectors.readable_indicators, the catalog's own scoping)."""

from django.utils.translation import gettext_lazy as _

from kpis import selectors
from opsplan.search import Hit, Provider, register, snippet


def search_indicators(user, text, limit):
    # the catalog page's own search, so "see every match" lists the same indicators
    found = selectors.indicator_catalog(user, search=text, active_only=False)[:limit]
    return [Hit(kind="indicators", title=str(i), code=i.code, url=i.get_absolute_url(),
                snippet=snippet(i.definition or i.owner_department.name, text))
            for i in found]


register(Provider(key="indicators", label=_("Indicators"), search=search_indicators, order=20,
                  describes=_("indicators by code, name and definition"),
                  list_url="kpis:catalog"))
