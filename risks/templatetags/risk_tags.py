from django import template

from risks.choices import DEFAULT_COLOURS, Level

register = template.Library()


@register.inclusion_tag("risks/includes/level.html")
def level_badge(level, matrix=None):
    """A level as its colour swatch (an SVG fill: no inline style under the CSP) and its
    name, so colour is never the only signal."""
    if not level:
        return {"level": None}
    colour = matrix.colour(level) if hasattr(matrix, "colour") else DEFAULT_COLOURS.get(level)
    return {"level": level, "label": Level(level).label, "colour": colour}


@register.inclusion_tag("risks/includes/plan_risks.html", takes_context=True)
def plan_risks(context, plan):
    """The plan's risks this reader may see, for the plan page and its internal review:
    ``{% load risk_tags %}{% plan_risks plan %}`` (a template-level hook, so the plans app
    never imports risks)."""
    from risks.selectors import risks_for_plan

    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    return {"plan": plan, "plan_risks": risks_for_plan(plan, user) if user else [],
            "perms": context.get("perms"), "request": request}
