"""The project's routes with the reading pages mounted inside the ``kpis`` namespace as
kpis/urls.py mounts them, plus stand-ins for the data-entry routes the pages link to."""

from django.http import HttpResponse
from django.urls import URLResolver, include, path

from kpis.report_urls import indicator_patterns, scorecard_patterns
from opsplan import urls as project


def _stand_in(request, *args, **kwargs):
    return HttpResponse("")


def _is_kpis(pattern) -> bool:
    return isinstance(pattern, URLResolver) and pattern.namespace == "kpis"


kpis_patterns = [
    path("indicators/", include(indicator_patterns)),
    path("scorecards/", include(scorecard_patterns)),
    path("test-stand-ins/record/", _stand_in, name="measurement-add"),
    path("test-stand-ins/upload/", _stand_in, name="upload"),
    *[p for resolver in project.urlpatterns if _is_kpis(resolver)
      for p in resolver.url_patterns],
]

urlpatterns = [
    path("kpis/", include((kpis_patterns, "kpis"), namespace="kpis")),
    *[p for p in project.urlpatterns if not _is_kpis(p)],
]
