from django.utils import translation


class UserLanguageMiddleware:
    """Use the signed-in person's preferred language when they chose one.

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
        return self.get_response(request)
