"""The auditor's view of the audit trail (§1: every decision is recorded and auditable).

One FilterSet serves the page, its CSV and Excel exports and the API, so the three answer the
same question the same way. Read-only: audit events are append-only (opsplan.models).
Decisions, votes and plan transitions are all written by their services through
``opsplan.audit.record`` (django-fsm-log is not installed, so there is no second log to merge).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

from django import forms
from django.apps import apps
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET
from django_filters import rest_framework as filters
from rest_framework import serializers, viewsets

from opsplan.models import AuditEvent

PERMISSION = "opsplan.view_audit_trail"
PAGE_SIZE = 50
EXPORT_LIMIT = 50_000  # an export is bounded: narrow the filters for more
PROJECT_APPS = ("opsplan", "committee", "kpis", "plans", "risks", "costs", "meetings")
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def subject_type_choices():
    """``app_label.model`` of every model of the project's apps (people included), by name; read
    from the app registry, so building the form costs no query."""
    choices = []
    for model in apps.get_models():
        meta = model._meta
        if meta.app_label in PROJECT_APPS:
            choices.append((f"{meta.app_label}.{meta.model_name}",
                            f"{apps.get_app_config(meta.app_label).verbose_name} · "
                            f"{meta.verbose_name}"))
    return sorted(choices, key=lambda c: str(c[1]))


class AuditFilterForm(forms.Form):
    """Dates within the years the database can compare, and a range that is not reversed;
    each error names its field."""

    def clean(self):
        data = super().clean()
        for name in ("since", "until"):
            day = data.get(name)
            if day is not None and not (1900 <= day.year <= 9000):
                self.add_error(name, _("Enter a date between the years 1900 and 9000."))
                data.pop(name, None)
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            self.add_error("until", _("The end date must not be before the start date."))
        return data


class AuditEventFilter(filters.FilterSet):
    """Who, what, about which record, and when; newest first."""

    actor = filters.CharFilter(label=gettext_lazy("Who"), method="filter_actor",
                               max_length=150,
                               help_text=gettext_lazy("A user name or part of one."))
    action = filters.CharFilter(
        label=gettext_lazy("Action taken"), method="filter_action", max_length=80,
        help_text=gettext_lazy("An action, or the start of one such as plans or "
                               "committee.vote."))
    subject_type = filters.ChoiceFilter(label=gettext_lazy("Kind of record"),
                                        choices=subject_type_choices,
                                        method="filter_subject_type")
    subject = filters.CharFilter(label=gettext_lazy("Record"), method="filter_subject",
                                 max_length=200,
                                 help_text=gettext_lazy("Text in the record's name."))
    since = filters.DateFilter(label=gettext_lazy("From"), field_name="created_at",
                               method="filter_since")
    until = filters.DateFilter(label=gettext_lazy("Until"), field_name="created_at",
                               method="filter_until")

    class Meta:
        model = AuditEvent
        fields = ["actor", "action", "subject_type", "subject", "since", "until"]
        form = AuditFilterForm

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("since", "until"):
            self.form.fields[name].widget.input_type = "date"
        self.form.fields["action"].widget.attrs["list"] = "audit-actions"

    def filter_actor(self, queryset, name, value):
        return queryset.filter(Q(actor_label__icontains=value)
                               | Q(actor__display_name__icontains=value))

    def filter_action(self, queryset, name, value):
        stem = value.rstrip(".")
        return queryset.filter(Q(action=stem) | Q(action__startswith=f"{stem}."))

    def filter_subject_type(self, queryset, name, value):
        app_label, _dot, model = value.partition(".")
        return queryset.filter(subject_type__app_label=app_label, subject_type__model=model)

    def filter_subject(self, queryset, name, value):
        return queryset.filter(Q(subject_label__icontains=value) | Q(subject_id=value))

    def _day_start(self, day):
        return timezone.make_aware(dt.datetime.combine(day, dt.time.min))

    def filter_since(self, queryset, name, value):
        return queryset.filter(created_at__gte=self._day_start(value))

    def filter_until(self, queryset, name, value):
        return queryset.filter(created_at__lt=self._day_start(value + dt.timedelta(days=1)))


def audit_events():
    """The trail with what every row shows, in one query, newest first."""
    return AuditEvent.objects.select_related("actor", "subject_type").order_by(
        "-created_at", "-pk")


def _subject_type_label(event) -> str:
    if event.subject_type_id is None:
        return ""
    model = event.subject_type.model_class()
    return str(model._meta.verbose_name) if model else event.subject_type.model


def _filtered(request):
    filterset = AuditEventFilter(request.GET or None, queryset=audit_events())
    return filterset


def _require_auditor(request):
    if not request.user.has_perm(PERMISSION):
        raise PermissionDenied


@login_required
@require_GET
def audit_trail(request):
    """Every recorded decision, transition and vote, filtered, newest first."""
    _require_auditor(request)
    filterset = _filtered(request)
    bound_ok = not filterset.is_bound or filterset.is_valid()
    events = filterset.qs if bound_ok else AuditEvent.objects.none()
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    actions = list(AuditEvent.objects.order_by("action").values_list("action", flat=True)
                   .distinct()[:300])
    return render(request, "audit/trail.html", {
        "page": page, "filter_form": filterset.form, "querystring": query.urlencode(),
        "actions": actions, "filtered": bool(query), "bound_ok": bound_ok,
        "rows": [(event, _subject_type_label(event)) for event in page.object_list],
    }, status=200 if bound_ok else 400)


HEADERS = (gettext_lazy("When"), gettext_lazy("Who"), gettext_lazy("Action taken"),
           gettext_lazy("Kind of record"), gettext_lazy("Record id"), gettext_lazy("Record"),
           gettext_lazy("Details"), gettext_lazy("Address"))


def _row(event) -> list:
    when = timezone.localtime(event.created_at).replace(tzinfo=None)
    return [when, event.actor_label, event.action, _subject_type_label(event), event.subject_id,
            event.subject_label, json.dumps(event.data, ensure_ascii=False, sort_keys=True,
                                            default=str),
            event.ip_address or ""]


class _Echo:
    def write(self, value):
        return value


def _csv_lines(events):
    writer = csv.writer(_Echo())
    yield "\ufeff"  # Excel reads UTF-8 only with the byte-order mark
    yield writer.writerow([str(h) for h in HEADERS])
    for event in events.iterator(chunk_size=2000):
        row = _row(event)
        row[0] = row[0].isoformat(sep=" ", timespec="seconds")
        yield writer.writerow([_spreadsheet_safe(v) for v in row])


def _spreadsheet_safe(value):
    """Text that a spreadsheet would run as a formula is quoted (CSV injection)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def _xlsx(events) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Audit trail"))
    sheet.column_dimensions["A"].width = 20
    for letter in "BCDF":
        sheet.column_dimensions[letter].width = 24
    sheet.column_dimensions["G"].width = 60
    bold = Font(bold=True)
    header = []
    for title in HEADERS:
        cell = WriteOnlyCell(sheet, value=str(title))
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    count = 0
    for event in events[:EXPORT_LIMIT].iterator(chunk_size=2000):
        row = _row(event)
        when = WriteOnlyCell(sheet, value=row[0])
        when.number_format = "yyyy-mm-dd hh:mm:ss"
        sheet.append([when, *(_spreadsheet_safe(v) for v in row[1:])])
        count += 1
    if count == EXPORT_LIMIT:
        sheet.append([_("Only the first %(limit)s events are exported; narrow the filters "
                        "for the rest.") % {"limit": EXPORT_LIMIT}])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@login_required
@require_GET
def audit_export(request, fmt):
    """The filtered trail as CSV (streamed) or as an Excel workbook (bounded)."""
    _require_auditor(request)
    if fmt not in ("csv", "xlsx"):
        raise Http404
    filterset = _filtered(request)
    if filterset.is_bound and not filterset.is_valid():
        return audit_trail(request)
    stamp = timezone.localdate().isoformat()
    if fmt == "csv":
        response = StreamingHttpResponse(_csv_lines(filterset.qs),
                                         content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(_xlsx(filterset.qs), content_type=XLSX_MIME)
    response["Content-Disposition"] = f'attachment; filename="audit-trail-{stamp}.{fmt}"'
    return response


# --- the API twin ---------------------------------------------------------------------------

class AuditEventSerializer(serializers.ModelSerializer):
    subject_type = serializers.SerializerMethodField(
        help_text="The record's kind as app_label.model, or null.")

    class Meta:
        model = AuditEvent
        fields = ["id", "created_at", "actor", "actor_label", "action", "subject_type",
                  "subject_id", "subject_label", "data", "ip_address"]
        read_only_fields = fields

    def get_subject_type(self, event) -> str | None:
        if event.subject_type_id is None:
            return None
        return f"{event.subject_type.app_label}.{event.subject_type.model}"


class AuditEventViewSet(viewsets.ReadOnlyModelViewSet):
    """The audit trail, read-only, for auditors: filter by who, action (or its start, such
    as ``plans.`` or ``committee.vote``), kind of record, record text and date range."""

    serializer_class = AuditEventSerializer
    filterset_class = AuditEventFilter
    filter_backends = [filters.DjangoFilterBackend]
    lookup_value_regex = r"\d+"
    permission_map = {"list": PERMISSION, "retrieve": PERMISSION}

    def get_queryset(self):
        return audit_events()
