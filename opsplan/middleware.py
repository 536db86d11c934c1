import zoneinfo

from django.utils import timezone, translation


class UserLanguageMiddleware:
    """Use the signed-in person's preferred language and time zone when they chose them.

    Runs after LocaleMiddleware (which picked the cookie or browser language) and after
    authentication, so the stored preference wins across browsers and devices.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        language = getattr(user, "language", "") if user is not None else ""
        if language and user.is_authenticated:
            translation.activate(language)
            request.LANGUAGE_CODE = translation.get_language()
        zone = getattr(user, "time_zone", "") if user is not None else ""
        if zone and user.is_authenticated:
            try:  # times on pages in the person's own zone (daylight saving included)
                timezone.activate(zoneinfo.ZoneInfo(zone))
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                timezone.deactivate()
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()  # nothing after this request runs in the person's zone


class ConflictMiddleware:
    """A service's Conflict on a page becomes a 409 page that says why (the API answers 409
    in its own error shape)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        from django.shortcuts import render

        from opsplan.errors import Conflict, as_contention

        exception = as_contention(exception) or exception
        if isinstance(exception, Conflict):
            from django.utils.http import url_has_allowed_host_and_scheme

            back = request.META.get("HTTP_REFERER", "")
            if not url_has_allowed_host_and_scheme(back, {request.get_host()},
                                                   request.is_secure()):
                back = ""
            return render(request, "409.html", {"message": exception.message, "back": back},
                          status=409)
        return None


class SessionIdleMiddleware:
    """Sessions end after SESSION_COOKIE_AGE without a request (the idle timeout).

    Rather than writing the session on every request (SESSION_SAVE_EVERY_REQUEST), its expiry
    is pushed forward when the last push is older than SESSION_REFRESH_SECONDS (5 minutes by
    default): the idle timeout holds to within that margin, and a busy person costs one
    session write per five minutes instead of one per page.
    """

    KEY = "_refreshed_at"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        import time

        from django.conf import settings

        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is None or session.is_empty():
            return response
        now = int(time.time())
        every = getattr(settings, "SESSION_REFRESH_SECONDS", 300)
        if session.modified or now - session.get(self.KEY, 0) >= every:
            session[self.KEY] = now
        return response
