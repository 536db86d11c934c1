"""Global search: a registry of providers, one per kind of record.

opsplan knows no domain app. Each app offers its own provider in ``<app>/search.py`` (found
here by :func:`discover`); a provider searches through its app's list selector, so a person
only ever finds what that selector lets them read. Each provider runs a fixed number of
queries whatever the number of matches (at most ``limit`` results per kind).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass

from django import forms
from django.apps import apps
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from opsplan.api import ErrorSerializer

MAX_QUERY = 200
PER_KIND = 10
LIST_QUERY_MAX = 100  # the list pages' own search fields take this many characters
SNIPPET = 160


@dataclass(frozen=True)
class Hit:
    kind: str  # the provider's key
    title: str
    url: str
    snippet: str = ""
    code: str = ""


@dataclass(frozen=True)
class Provider:
    key: str
    label: object  # a lazy translation, plural: "Plans"
    search: Callable  # (user, text, limit) -> list[Hit]
    order: int = 100
    describes: object = ""  # what is matched, for the page that explains the search
    # The kind's own list page filtered by the same words (every match, paged), when it has one
    list_url: str | None = None  # a URL name; the words go in ``?q=``

    def more_url(self, text: str) -> str | None:
        from django.urls import reverse
        from django.utils.http import urlencode

        if not self.list_url or len(text) > LIST_QUERY_MAX:
            return None
        return f"{reverse(self.list_url)}?{urlencode({'q': text})}"


PROVIDERS: dict[str, Provider] = {}
_discovered = False


def register(provider: Provider) -> None:
    PROVIDERS[provider.key] = provider


def discover() -> None:
    """Import every installed app's ``search`` module once (they register their providers)."""
    global _discovered
    if _discovered:
        return
    for config in apps.get_app_configs():
        try:
            importlib.import_module(f"{config.name}.search")
        except ModuleNotFoundError as missing:
            if missing.name != f"{config.name}.search":
                raise
    _discovered = True


def providers() -> list[Provider]:
    discover()
    return sorted(PROVIDERS.values(), key=lambda p: (p.order, p.key))


def snippet(text: str, term: str, width: int = SNIPPET) -> str:
    """A short extract of ``text`` around the first occurrence of ``term``."""
    text = " ".join((text or "").split())
    if len(text) <= width:
        return text
    at = text.lower().find(term.lower())
    start = max(0, at - width // 3) if at >= 0 else 0
    extract = text[start:start + width]
    return ("…" if start else "") + extract + ("…" if start + width < len(text) else "")


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), max_length=MAX_QUERY, required=False, strip=True,
                        help_text=_("Words from a title, a code or a description."))


def search(user, text: str, *, limit: int = PER_KIND) -> list[dict]:
    """Per kind (in the providers' order), the first ``limit`` matches the user may read."""
    results = []
    for provider in providers():
        hits = provider.search(user, text, limit + 1)  # one more: are there more than shown?
        capped = len(hits) > limit
        hits = hits[:limit]
        results.append({"kind": provider.key, "label": provider.label, "hits": hits,
                        "capped": capped, "more_url": provider.more_url(text) if capped else None})
    return results


# --- the page and its API twin ----------------------------------------------------------------

def _hit_dict(hit: Hit, label) -> dict:
    return {"kind": hit.kind, "kind_label": str(label), "title": hit.title, "code": hit.code,
            "snippet": hit.snippet, "url": hit.url}


@login_required
@require_GET
def search_page(request):
    """``/search/?q=``: matches per kind among what the person may read; with no query, what
    can be searched; a query over 200 characters is a form error naming ``q`` (400)."""
    form = SearchForm(request.GET)
    results, text = [], ""
    if form.is_valid():
        text = form.cleaned_data["q"]
        if text:
            results = search(request.user, text)
    return render(request, "search.html", {
        "form": form, "q": text, "results": results, "providers": providers(),
        "total": sum(len(r["hits"]) for r in results), "per_kind": PER_KIND,
    }, status=400 if form.errors else 200)


class HitSerializer(serializers.Serializer):
    kind = serializers.CharField()
    kind_label = serializers.CharField()
    title = serializers.CharField()
    code = serializers.CharField()
    snippet = serializers.CharField()
    url = serializers.CharField()


class KindSerializer(serializers.Serializer):
    kind = serializers.CharField()
    label = serializers.CharField()
    results = HitSerializer(many=True)
    more_url = serializers.CharField(
        allow_null=True, help_text="when only the first 10 are given: the kind's own list "
        "filtered by the same words, with every match (null when it has no such list)")


class SearchResultSerializer(serializers.Serializer):
    q = serializers.CharField()
    kinds = KindSerializer(many=True)


class SearchView(APIView):
    """Global search: up to 10 matches per kind (plans, indicators, risks, meetings,
    departments, people) among the records you may read. An empty ``q`` returns no matches;
    over 200 characters is a 400 naming ``q``."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        parameters=[OpenApiParameter("q", str, description="Words to find (at most 200 "
                                     "characters).")],
        responses={200: SearchResultSerializer, 400: ErrorSerializer})
    def get(self, request, format=None):
        form = SearchForm(request.query_params)
        if not form.is_valid():
            raise ValidationError({name: [str(e) for e in errors]
                                   for name, errors in form.errors.items()})
        text = form.cleaned_data["q"]
        kinds = search(request.user, text) if text else [
            {"kind": p.key, "label": p.label, "hits": [], "more_url": None} for p in providers()]
        return Response({"q": text, "kinds": [
            {"kind": k["kind"], "label": str(k["label"]),
             "results": [_hit_dict(h, k["label"]) for h in k["hits"]],
             "more_url": k["more_url"]} for k in kinds]})
