"""Catalog and data-entry pages. Reading pages (indicator, scorecard) are in report_views,
uploads in upload_views."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from kpis import forms, selectors, services
from kpis.models import Indicator
from opsplan.forms import posted, submit


def _readable(request, code) -> Indicator:
    indicator = selectors.readable_indicators(request.user).filter(code=code).first()
    if indicator is None:
        raise Http404
    return indicator


@login_required
def catalog(request):
    from django.core.paginator import Paginator
    from django.utils.http import urlencode

    query = request.GET.get("q", "").strip()[:100]
    indicators = selectors.indicator_catalog(request.user, search=query, active_only=False)
    page = Paginator(indicators, 50).get_page(request.GET.get("page"))
    return render(request, "kpis/catalog.html", {
        "indicators": page.object_list, "page": page, "query": query,
        "querystring": urlencode({"q": query}) if query else "",
        "can_edit": request.user.has_perm("kpis.add_indicator"),
    })


@login_required
def indicator_edit(request, code=None):
    indicator = _readable(request, code) if code else None
    if not request.user.has_perm("kpis.change_indicator" if indicator else "kpis.add_indicator",
                                 indicator):
        raise PermissionDenied
    form = forms.IndicatorForm(posted(request), instance=indicator)
    if request.method == "POST" and form.is_valid():
        readers = form.cleaned_data.pop("readers")
        saved = submit(form, services.indicator_save, actor=request.user,
                       indicator=indicator or Indicator(), readers=readers, request=request)
        if saved:
            messages.success(request, _("Indicator “%s” saved.") % saved)
            return redirect(saved)
    return render(request, "form_page.html", {
        "form": form, "title": _("Edit indicator") if indicator else _("New indicator"),
        "back_object": indicator, "back": "kpis:catalog",
    })


@login_required
def measurement_add(request):
    indicators = selectors.readable_indicators(request.user).filter(is_active=True)
    initial = {"indicator": request.GET.get("indicator", "")}
    form = forms.MeasurementForm(posted(request), indicators=indicators, initial=initial)
    if request.method == "POST" and submit(form, services.record_measurement,
                                           actor=request.user, request=request):
        indicator = form.cleaned_data["indicator"]
        messages.success(request, _("Value recorded for “%s”.") % indicator)
        return redirect(f"{indicator.get_absolute_url()}?department="
                        f"{form.cleaned_data['department'].code}")
    return render(request, "form_page.html", {
        "form": form, "title": _("Record a value"), "back": "kpis:catalog",
    }, status=400 if form.errors else 200)


@login_required
def target_add(request, code):
    indicator = _readable(request, code)
    if not request.user.has_perm("kpis.add_target"):
        raise PermissionDenied
    form = forms.TargetForm(posted(request))
    if request.method == "POST" and submit(form, services.target_save, actor=request.user,
                                           indicator=indicator, request=request):
        messages.success(request, _("Target saved."))
        return redirect(indicator)
    return render(request, "form_page.html", {
        "form": form, "title": _("Set a target for %s") % indicator, "back_object": indicator,
    })


@login_required
def rollup_run(request):
    """Start a full recomputation of every rollup (planning department), then show its
    progress; the nightly schedule does the same."""

    if not request.user.has_perm("kpis.add_indicator"):
        raise PermissionDenied
    if request.method != "POST":
        return render(request, "kpis/rollup_run.html", {})


    from kpis.tasks import rollup_full
    from opsplan.progress import remember_task

    result = rollup_full.delay()
    remember_task(request, result.id)
    return redirect("kpis:rollup-progress", task_id=result.id)


@login_required
def rollup_progress(request, task_id):
    from opsplan.progress import owns_task

    if not owns_task(request, task_id):
        raise Http404
    return render(request, "kpis/rollup_run.html", {"task_id": task_id})
