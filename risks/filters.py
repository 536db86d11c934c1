"""The register's filters, shared by the page and the API (one definition, one answer)."""

from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters

from committee.models import Department
from opsplan.api import StrictBooleanFilter
from risks.choices import AssessmentKind, Category, Level, Method, Status, Strategy
from risks.models import Risk


class RiskFilter(filters.FilterSet):
    q = filters.CharFilter(label=_("Search"), method="search", max_length=100)
    status = filters.ChoiceFilter(label=_("Status"), choices=Status.choices)
    open = StrictBooleanFilter(label=_("Open only"), method="only_open")
    category = filters.ChoiceFilter(label=_("Category"), choices=Category.choices)
    method = filters.ChoiceFilter(label=_("Identified by"), choices=Method.choices)
    department = filters.ModelChoiceFilter(label=_("Owner department"),
                                           queryset=Department.objects.filter(is_active=True))
    inherent_level = filters.ChoiceFilter(label=_("Inherent level"), choices=Level.choices)
    residual_level = filters.ChoiceFilter(label=_("Residual level"), choices=Level.choices)
    strategy = filters.ChoiceFilter(label=_("Response"), choices=Strategy.choices)
    plan = filters.NumberFilter(label=_("Plan"), field_name="plans", min_value=1,
                               max_value=2**31 - 1)
    cell_kind = filters.ChoiceFilter(label=_("Heat map"), choices=AssessmentKind.choices,
                                     method="noop")
    likelihood = filters.NumberFilter(label=_("Likelihood"), method="noop", min_value=1,
                                      max_value=6)
    impact = filters.NumberFilter(label=_("Impact"), method="noop", min_value=1, max_value=6)
    matrix = filters.NumberFilter(label=_("Matrix version id"), method="noop", min_value=1,
                                 max_value=2**31 - 1)

    class Meta:
        model = Risk
        fields = ["q", "status", "open", "category", "method", "department", "inherent_level",
                  "residual_level", "strategy", "plan"]

    def search(self, queryset, name, value):
        from django.db.models import Q

        return queryset.filter(Q(title__icontains=value) | Q(description__icontains=value))

    def only_open(self, queryset, name, value):
        return queryset.exclude(status=Status.CLOSED) if value else queryset

    def noop(self, queryset, name, value):
        return queryset

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        data = self.form.cleaned_data
        kind = data.get("cell_kind")
        if kind:
            cell = {}
            if data.get("likelihood") is not None:
                cell[f"{kind}__likelihood"] = int(data["likelihood"])
            if data.get("impact") is not None:
                cell[f"{kind}__impact"] = int(data["impact"])
            if data.get("matrix") is not None:
                cell[f"{kind}__matrix"] = int(data["matrix"])
            queryset = queryset.filter(**{f"{kind}__isnull": False}, **cell)
        return queryset.distinct() if data.get("plan") else queryset
