"""Running a form through a domain service: the one way browser forms write data."""

from collections.abc import Callable

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError


def submit(form, service: Callable, **kwargs):
    """Call ``service(**kwargs, **form.cleaned_data)``; put its ValidationError on the form.

    Returns the service's result, or None when the form or the service refused the data
    (the form then carries the errors, named by field).
    """
    if not form.is_valid():
        return None
    try:
        return service(**kwargs, **form.cleaned_data)
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            for field, errors in exc.error_dict.items():
                target = field if field in form.fields else None
                if field == NON_FIELD_ERRORS:
                    target = None
                for error in errors:
                    form.add_error(target, error)
        else:
            form.add_error(None, exc)
        return None


def form_errors_text(form) -> str:
    """All of a form's errors as one sentence, for a message after a redirect."""
    return "; ".join(
        (f"{form.fields[name].label}: " if name in form.fields else "") + str(error)
        for name, errors in form.errors.items() for error in errors
    )


def posted(request, files=False):
    """Form data for a bound form on POST (even an empty POST), or None on GET."""
    if request.method != "POST":
        return (None, None) if files else None
    return (request.POST, request.FILES) if files else request.POST
