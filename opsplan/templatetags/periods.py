"""Period labels in the reader's language: ``{{ "2026-W19"|iso_week }}`` reads "2026-W19" in
English and "2026年第19周" in Chinese. Stored values and API fields keep the ISO notation."""

import re

from django import template
from django.utils.translation import pgettext

register = template.Library()

_ISO_WEEK = re.compile(r"^(\d{4})-W(\d{1,2})$")


@register.filter
def iso_week(value) -> str:
    """An ISO week ("2026-W19") as the reader's language writes it; anything else unchanged."""
    found = _ISO_WEEK.match(str(value or ""))
    if not found:
        return value
    year, week = int(found.group(1)), int(found.group(2))
    return pgettext("ISO week label", "%(year)d-W%(week)02d") % {"year": year, "week": week}
