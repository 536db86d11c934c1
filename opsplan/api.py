"""API plumbing shared by every app: permissions, pagination, the one error shape, the schema."""

from __future__ import annotations

from django import forms
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from django_filters import IsoDateTimeFilter
from django_filters.fields import IsoDateTimeField
from django_filters.rest_framework import BooleanFilter
from django_filters.widgets import BooleanWidget
from django_fsm import ConcurrentTransition, TransitionNotAllowed
from rest_framework import exceptions, serializers, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.parsers import JSONParser as _DRFJSONParser
from rest_framework.permissions import BasePermission

from opsplan.errors import Conflict, as_contention
from opsplan.models import Event, Notification


class ConflictError(exceptions.APIException):
    """The request is valid but the record's current state does not allow it now."""

    status_code = status.HTTP_409_CONFLICT
    default_detail = _("This is not allowed in the record's current state.")
    default_code = "conflict"


# --- permissions ----------------------------------------------------------------------------

_ACTION_VERBS = {
    "list": "view", "retrieve": "view", "metadata": "view",
    "create": "add", "update": "change", "partial_update": "change", "destroy": "delete",
}
_METHOD_VERBS = {
    "GET": "view", "HEAD": "view", "OPTIONS": "view",
    "POST": "add", "PUT": "change", "PATCH": "change", "DELETE": "delete",
}


class RulesPermission(BasePermission):
    """Asks ``user.has_perm`` exactly as the browser views do, so one rule serves both.

    The permission is ``<app>.<verb>_<model>`` of the view's queryset, or what the view names in
    ``permission_map`` (action -> permission, for custom actions). Object permissions are checked
    with the object; lists are scoped by the view's selector, never here.
    """

    def _perm(self, request, view) -> str | None:
        action = getattr(view, "action", None)
        mapped = getattr(view, "permission_map", {})
        if action in mapped:
            return mapped[action]
        if request.method in mapped:
            return mapped[request.method]
        verb = _ACTION_VERBS.get(action) or _METHOD_VERBS.get(request.method)
        queryset = getattr(view, "queryset", None)
        if queryset is None and hasattr(view, "get_queryset"):
            queryset = view.get_queryset()
        if verb is None or queryset is None:
            return None
        meta = queryset.model._meta
        return f"{meta.app_label}.{verb}_{meta.model_name}"

    def has_permission(self, request, view):
        user = request.user
        if not (user and user.is_authenticated):
            return False
        perm = self._perm(request, view)
        if perm is None:
            return False  # a view that names no rule is closed, never open by accident
        if getattr(view, "detail", False) or getattr(view, "action", None) in (
            "retrieve", "update", "partial_update", "destroy"
        ):
            return True  # decided per object in has_object_permission
        return user.has_perm(perm)

    def has_object_permission(self, request, view, obj):
        perm = self._perm(request, view)
        return perm is not None and request.user.has_perm(perm, obj)


class Pagination(PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 500


# --- the one error shape --------------------------------------------------------------------

class ErrorSerializer(serializers.Serializer):
    """Every error response: a status, a machine code, a sentence, and errors per field."""

    status = serializers.IntegerField()
    code = serializers.CharField()
    detail = serializers.CharField()
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()), required=False,
        help_text="Field name -> messages; `non_field_errors` for the whole record.",
    )


def _flatten(detail, prefix="") -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    if isinstance(detail, dict):
        for key, value in detail.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            out.update(_flatten(value, name))
    elif isinstance(detail, list):
        if all(not isinstance(item, dict | list) for item in detail):
            out[prefix or "non_field_errors"] = [str(item) for item in detail]
        else:
            for index, item in enumerate(detail):
                out.update(_flatten(item, f"{prefix}[{index}]" if prefix else f"[{index}]"))
    else:
        out[prefix or "non_field_errors"] = [str(detail)]
    return out


def exception_handler(exc, context):
    """DRF's handler, reshaped so that every error has the same body."""
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
    elif isinstance(exc, Conflict):
        exc = ConflictError(str(exc.message))
    elif (contention := as_contention(exc)) is not None:
        exc = ConflictError(str(contention.message))
    elif isinstance(exc, TransitionNotAllowed | ConcurrentTransition):
        exc = ConflictError()
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    from rest_framework.views import exception_handler as drf_exception_handler

    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if response.status_code == 403:
        from opsplan.audit import record_denied

        record_denied(context.get("request"), interface="api")
    body = {"status": response.status_code}
    if isinstance(exc, exceptions.ValidationError):
        body["code"] = "invalid"
        body["detail"] = str(_("Some fields are not valid."))
        body["errors"] = _flatten(exc.detail)
    else:
        codes = exc.get_codes() if isinstance(exc, exceptions.APIException) else "error"
        body["code"] = codes if isinstance(codes, str) else "error"
        body["detail"] = str(getattr(exc, "detail", response.data))
    response.data = body
    return response


def router():
    """A DRF router whose index needs only a signed-in user (it lists links, nothing more)."""
    from rest_framework.permissions import IsAuthenticated
    from rest_framework.routers import APIRootView, DefaultRouter

    class RootView(APIRootView):
        permission_classes = [IsAuthenticated]

    class Router(DefaultRouter):
        APIRootView = RootView

    return Router()


class NotificationSerializer(serializers.ModelSerializer):
    event_label = serializers.CharField(source="get_event_display", read_only=True)

    class Meta:
        model = Notification
        fields = ["id", "message", "url", "event", "event_label", "created_at", "read_at"]
        read_only_fields = fields


class MarkedReadSerializer(serializers.Serializer):
    marked = serializers.IntegerField(read_only=True, help_text="how many were unread")


class NotificationPreferenceSerializer(serializers.Serializer):
    event = serializers.ChoiceField(choices=Event.choices)
    label = serializers.CharField(read_only=True)
    in_app = serializers.BooleanField(default=True)
    by_email = serializers.BooleanField(default=True)


# --- filters -----------------------------------------------------------------------------------

class _StrictBooleanWidget(BooleanWidget):
    """true/false (or 1/0) as django-filter reads them; anything else reaches the field as
    typed, so it is refused instead of ignored."""

    def value_from_datadict(self, data, files, name):
        value = super().value_from_datadict(data, files, name)
        raw = data.get(name)
        return raw if value is None and raw not in (None, "") else value


class _StrictBooleanField(forms.NullBooleanField):
    widget = _StrictBooleanWidget

    def to_python(self, value):
        if value is True or value is False:
            return value
        if value in (None, ""):
            return None
        raise DjangoValidationError(_("Enter true or false."), code="invalid")


class StrictBooleanFilter(BooleanFilter):
    """A yes/no filter whose unknown values are a 400 (or a form error) naming the field, where
    django-filter's own would silently ignore them."""

    field_class = _StrictBooleanField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", _StrictBooleanWidget)
        super().__init__(*args, **kwargs)


class BoundedIsoDateTimeField(IsoDateTimeField):
    """An ISO 8601 date-time that the database can store: a UTC offset within ±14:00 and a
    year that stays within 1–9999 in UTC (anything else is a 400 naming the parameter)."""

    def clean(self, value):
        import datetime as dt

        from django.core.exceptions import ValidationError as FormValidationError

        moment = super().clean(value)
        if moment is None:
            return moment
        offset = moment.utcoffset()
        if offset is not None and abs(offset) > dt.timedelta(hours=14):
            raise FormValidationError(_("The UTC offset must lie within ±14:00."))
        try:
            moment.astimezone(dt.UTC)
        except OverflowError as exc:
            raise FormValidationError(_("Out of the supported date range.")) from exc
        return moment


class BoundedIsoDateTimeFilter(IsoDateTimeFilter):
    field_class = BoundedIsoDateTimeField


# --- parsers and fields that keep NUL characters out of the database ------------------------

def _nul_at(value, path=""):
    """The dotted path of the first text holding a NUL character, or None."""
    if isinstance(value, str):
        return path or "non_field_errors" if "\x00" in value else None
    if isinstance(value, dict):
        for key, item in value.items():
            where = _nul_at(item, f"{path}.{key}" if path else str(key))
            if where is not None or (isinstance(key, str) and "\x00" in key):
                return where or path or "non_field_errors"
    if isinstance(value, list):
        for index, item in enumerate(value):
            where = _nul_at(item, f"{path}.{index}" if path else str(index))
            if where is not None:
                return where
    return None


class JSONParser(_DRFJSONParser):
    """DRF's JSON parser that refuses NUL characters anywhere in the body (PostgreSQL cannot
    store them; no field of this project may hold one): a 400 naming the field, never a
    database error."""

    def parse(self, stream, media_type=None, parser_context=None):
        data = super().parse(stream, media_type, parser_context)
        where = _nul_at(data)
        if where is not None:
            raise exceptions.ValidationError({where: [_("Text may not contain NUL "
                                                        "characters.")]})
        return data


class CodeRelatedField(serializers.SlugRelatedField):
    """A related object named by its code: a text the database can compare (no NUL, at most
    200 characters), else "no such object" — never a database error."""

    def to_internal_value(self, data):
        if isinstance(data, str) and ("\x00" in data or len(data) > 200):
            self.fail("does_not_exist", slug_name=self.slug_field, value=data[:50])
        return super().to_internal_value(data)
