from django import template

from opsplan import audit_labels

register = template.Library()


@register.filter
def audit_action(value):
    """``{{ event.action|audit_action }}``: the action code as translated words."""
    return audit_labels.action_label(value)


@register.filter
def audit_actor(value):
    """``{{ event.actor_label|audit_actor }}``: "system" and the like in the reader's language."""
    return audit_labels.actor_label(value)
