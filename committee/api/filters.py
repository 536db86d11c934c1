"""Filters of the committee API."""

from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters

from committee.models import Decision


class DecisionFilter(filters.FilterSet):
    # a choice, not a BooleanFilter: an unknown value is a 400 naming the field, not ignored
    awaiting_me = filters.ChoiceFilter(
        choices=[("true", "true"), ("false", "false")],
        method="filter_awaiting_me", label=_("Awaiting my vote"),
        help_text=_("true: only the open decisions you may vote on and have not voted on yet "
                    "(your inbox); false: all the others."))

    class Meta:
        model = Decision
        fields = ["state", "kind", "committee", "awaiting_me"]

    def filter_awaiting_me(self, queryset, name, value):
        from committee.selectors import awaiting_vote

        mine = awaiting_vote(self.request.user).values("pk")
        if value == "true":
            return queryset.filter(pk__in=mine)
        return queryset.exclude(pk__in=mine)
