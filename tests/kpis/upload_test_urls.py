"""The project's URLs with the upload routes in the ``kpis`` namespace, for tests written
before (or regardless of whether) kpis/urls.py mounts them. Tests resolve names such as
``kpis:upload``, so they follow wherever the project finally mounts the routes."""

from django.urls import NoReverseMatch, URLResolver, include, path, reverse

from kpis import upload_urls
from opsplan import urls as project


def _patterns():
    try:
        reverse("kpis:upload", urlconf=project)
    except NoReverseMatch:
        pass
    else:
        return list(project.urlpatterns)  # the project mounts them already
    patterns, merged = [], False
    for pattern in project.urlpatterns:
        if isinstance(pattern, URLResolver) and pattern.namespace == "kpis" and not merged:
            # A kpis namespace without the upload routes: add them to it (a second namespace
            # of the same name would be shadowed by the first).
            pattern = URLResolver(pattern.pattern, [
                *pattern.url_patterns, path("data/", include(upload_urls.urlpatterns))],
                pattern.default_kwargs, pattern.app_name, pattern.namespace)
            merged = True
        patterns.append(pattern)
    if not merged:
        patterns.append(path("kpis-test/data/",
                             include((upload_urls.urlpatterns, "kpis"), namespace="kpis")))
    return patterns


urlpatterns = _patterns()
