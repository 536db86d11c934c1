"""The business-unit desk's write path for indicator values: the data entry page's form and
``kpis.services.record_measurement`` (the same rule, ``kpis.record_measurement``, checked by
the ingestion), answered by a return to the desk."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from kpis import forms, selectors, services
from opsplan.forms import submit


class _Desk:
    """The desk as the form page's way back (breadcrumb and Cancel)."""

    def __init__(self, code=""):
        self.code = code

    def __str__(self):
        return str(gettext_lazy("Business-unit desk"))

    def get_absolute_url(self):
        from urllib.parse import urlencode

        url = reverse("dashboard", args=["unit"])
        return f"{url}?{urlencode({'unit': self.code})}" if self.code else url


@login_required
@require_POST
def measurement_from_desk(request):
    """Report one value of an indicator the unit supplies; back to the desk with a message.
    Bad input shows the form again with its errors, and nothing is stored."""
    indicators = selectors.readable_indicators(request.user).filter(is_active=True)
    form = forms.MeasurementForm(request.POST, indicators=indicators)
    if submit(form, services.record_measurement, actor=request.user, request=request):
        indicator = form.cleaned_data["indicator"]
        department = form.cleaned_data["department"]
        messages.success(request, _("Value %(value)s recorded for “%(indicator)s”.") % {
            "value": form.cleaned_data["value"], "indicator": indicator})
        return redirect(f"{_Desk(department.code).get_absolute_url()}"
                        "#panel-indicators-to-report")
    return render(request, "form_page.html", {
        "form": form, "title": _("Record a value"),
        "back_object": _Desk(request.POST.get("department", "")[:40]),
    }, status=400)
