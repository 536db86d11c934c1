import csv
import hashlib
import io
import json

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import BaseParser
from rest_framework.response import Response

from kpis import selectors, services
from kpis.api import serializers as s
from kpis.models import IdempotencyKey, Measurement, Rollup
from opsplan.api import JSONParser

MAX_BODY = 20 * 1024 * 1024


class CSVParser(BaseParser):
    """text/csv bodies: a header row with the bulk columns, then one measurement a row."""

    media_type = "text/csv"

    def parse(self, stream, media_type=None, parser_context=None):
        raw = stream.read(MAX_BODY + 1)
        if len(raw) > MAX_BODY:
            raise ValidationError({"rows": [_("The body is larger than 20 MB.")]})
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ValidationError({"rows": [_("The CSV is not UTF-8 text.")]}) from exc
        if "\x00" in text:
            raise ValidationError({"rows": [_("The CSV contains NUL bytes.")]})
        reader = csv.DictReader(io.StringIO(text))
        if reader.fieldnames is None:
            raise ValidationError({"rows": [_("The CSV is empty.")]})
        return {"rows": [{k.strip().lower(): (v or "").strip() for k, v in row.items()
                          if k is not None} for row in reader]}


class IndicatorViewSet(viewsets.ModelViewSet):
    """The indicator catalog (§4.2). Indicators you may not read are not found (404)."""

    serializer_class = s.IndicatorSerializer
    filterset_fields = ["owner_department", "frequency", "source", "visibility", "is_active",
                        "aggregation"]
    search_fields = ["code", "name_en", "name_zh"]
    lookup_field = "code"
    permission_map = {"list": "kpis.list_indicators"}

    def get_queryset(self):
        return selectors.readable_indicators(self.request.user).select_related(
            "owner_department").prefetch_related("readers").order_by("code")

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        readers = data.pop("readers", None)
        serializer.instance = services.indicator_save(actor=self.request.user, readers=readers,
                                                      request=self.request, **data)

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        readers = data.pop("readers", None)
        serializer.instance = services.indicator_save(
            actor=self.request.user, indicator=serializer.instance, readers=readers,
            request=self.request, **data)

    def perform_destroy(self, instance):
        services.indicator_save(actor=self.request.user, indicator=instance, is_active=False,
                                request=self.request)


class MeasurementFilter(filters.FilterSet):
    indicator = filters.CharFilter(field_name="indicator__code")
    department = filters.CharFilter(field_name="department__code")
    since = filters.DateFilter(field_name="period_start", lookup_expr="gte")
    until = filters.DateFilter(field_name="period_start", lookup_expr="lte")

    class Meta:
        model = Measurement
        fields = ["indicator", "department", "since", "until"]


class MeasurementViewSet(viewsets.ReadOnlyModelViewSet):
    """Measurements you may read, with their correction history. Write with ``bulk``."""

    serializer_class = s.MeasurementSerializer
    filterset_class = MeasurementFilter
    permission_map = {"list": "kpis.list_indicators", "bulk": "kpis.add_measurement"}
    parser_classes = [JSONParser, CSVParser]

    def get_queryset(self):
        return selectors.measurements(self.request.user).prefetch_related(
            "corrections").order_by("indicator__code", "department__code", "period_start",
                                    "pk")

    @extend_schema(
        request={"application/json": s.BulkRequestSerializer,
                 "text/csv": {"type": "string",
                              "description": "indicator,department,period,value,note,reason"}},
        parameters=[OpenApiParameter(
            "Idempotency-Key", str, OpenApiParameter.HEADER, required=False,
            description=_("Retrying with the same key and body returns the first answer and "
                          "stores nothing twice; the same key with another body is a 409."))],
        responses={201: s.BulkResponseSerializer,
                   200: OpenApiResponse(s.BulkResponseSerializer,
                                        description=_("A replay of an earlier answer."))},
    )
    @action(detail=False, methods=["post"])
    def bulk(self, request):
        """Upsert many measurements by natural key (indicator, department, period): a new key
        is created, a different value replaces the stored one (the old value is kept as a
        correction with ``reason``), an equal value changes nothing. All rows are checked
        first; one bad row stores nothing and the answer lists row, column and reason."""
        key = request.headers.get("Idempotency-Key", "").strip()
        if len(key) > 200:
            raise ValidationError({"Idempotency-Key": [_("At most 200 characters.")]})
        body = s.BulkRequestSerializer(data=request.data)
        if not body.is_valid():
            raise ValidationError(body.errors)
        rows = [dict(r) for r in body.validated_data["rows"]]
        fingerprint = hashlib.sha256(json.dumps(rows, sort_keys=True).encode()).hexdigest()
        if key:
            earlier = IdempotencyKey.objects.filter(user=request.user, key=key).first()
            if earlier is not None:
                return _replay(earlier, fingerprint)
        for attempt in range(1, STORE_ATTEMPTS + 1):
            try:
                with transaction.atomic():
                    summary = services.ingest(actor=request.user, rows=rows, request=request)
                    if key:
                        IdempotencyKey.objects.create(user=request.user, key=key,
                                                      fingerprint=fingerprint, status_code=201,
                                                      response=summary)
                break
            except services.RowErrors as exc:
                return Response({"status": 400, "code": "invalid",
                                 "detail": _("No row was stored: fix these rows and send "
                                             "again."),
                                 "errors": {"rows": exc.messages[:200]},
                                 "rows": exc.row_errors}, status=status.HTTP_400_BAD_REQUEST)
            except IntegrityError as exc:
                # the same key, or new measurements with the same natural keys, were stored
                # by another request at the same moment: replay that answer, or store again
                # (now the rows exist, this batch updates them)
                earlier = IdempotencyKey.objects.filter(user=request.user, key=key).first() \
                    if key else None
                if earlier is not None:
                    return _replay(earlier, fingerprint)
                if attempt == STORE_ATTEMPTS:
                    from opsplan.errors import Conflict

                    raise Conflict(_("Another request stored the same measurements at the "
                                     "same moment; send this batch again.")) from exc
        return Response(summary, status=status.HTTP_201_CREATED)


STORE_ATTEMPTS = 3  # a batch that lost a race to identical new rows is stored again


def _replay(earlier, fingerprint):
    from opsplan.errors import Conflict

    if earlier.fingerprint != fingerprint:
        raise Conflict(_("This Idempotency-Key was used with a different body."))
    response = Response(earlier.response, status=status.HTTP_200_OK)
    response["Idempotent-Replayed"] = "true"
    return response


class RollupViewSet(viewsets.ReadOnlyModelViewSet):
    """Period rollups (week, month, quarter, year) of indicators you may read."""

    serializer_class = s.RollupSerializer
    permission_map = {"list": "kpis.list_indicators", "retrieve": "kpis.list_indicators"}

    class RollupFilter(filters.FilterSet):
        indicator = filters.CharFilter(field_name="indicator__code")
        department = filters.CharFilter(field_name="department__code")
        since = filters.DateFilter(field_name="period_start", lookup_expr="gte")
        until = filters.DateFilter(field_name="period_start", lookup_expr="lte")

        class Meta:
            model = Rollup
            fields = ["indicator", "department", "grain", "since", "until"]

    filterset_class = RollupFilter

    def get_queryset(self):
        return selectors.rollups(self.request.user).order_by(
            "indicator__code", "department__code", "grain", "period_start")


class TargetViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin,
                    viewsets.ReadOnlyModelViewSet):
    """Targets with their red threshold; the planning department sets them."""

    serializer_class = s.TargetSerializer
    filterset_fields = ["indicator", "department", "grain"]
    permission_map = {"list": "kpis.list_indicators"}

    def get_queryset(self):
        return selectors.targets(self.request.user).order_by("indicator", "department",
                                                             "grain", "period_start")

    def _save(self, serializer, instance=None):
        data = serializer.validated_data
        indicator = data.get("indicator", getattr(instance, "indicator", None))
        if not self.request.user.has_perm("kpis.view_indicator", indicator):
            raise ValidationError({"indicator": [_("No such indicator.")]})
        merged = {f: data.get(f, getattr(instance, f, None)) for f in (
            "department", "grain", "period_start", "target", "red_threshold")}
        merged["origin"] = data.get("origin", getattr(instance, "origin", "")) or ""
        serializer.instance = services.target_save(actor=self.request.user, indicator=indicator,
                                                   request=self.request, **merged)

    def perform_create(self, serializer):
        self._save(serializer)

    def perform_update(self, serializer):
        """Change the numbers of this target; what it is a target for cannot change."""
        instance = serializer.instance
        data = serializer.validated_data
        fixed = [f for f in ("indicator", "department", "grain", "period_start")
                 if f in data and data[f] != getattr(instance, f)]
        if fixed:
            raise ValidationError({f: [_("A target's %s cannot change: set a new target "
                                         "instead.") % f] for f in fixed})
        self._save(serializer, instance)


class SignalViewSet(viewsets.ReadOnlyModelViewSet):
    """Deviation signals: red values against targets."""

    serializer_class = s.SignalSerializer
    filterset_fields = ["state", "grain"]
    permission_map = {"list": "kpis.list_indicators", "retrieve": "kpis.list_indicators"}

    def get_queryset(self):
        return selectors.signals(self.request.user).order_by("-opened_at", "-pk")



