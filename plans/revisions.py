"""Revisions: what a plan said, as a snapshot; a generic, labelled diff between any two
snapshots; and restoring a plan's content to a snapshot (a rejected adjustment).

A snapshot is ``{section: {field: value}}`` for the plan itself and ``{section: [row, ...]}``
for its parts. Sections are registered here; an upper app adds its own (costs: ``budget``)
with :func:`register_section` from its ``AppConfig.ready`` and the diff shows it with no
further code. Rows are matched by their key field (``id`` where the row has one).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _


@dataclass
class Section:
    name: str
    label: object  # lazy string
    model: object | None = None  # for field labels (verbose names)
    key: str = "id"
    build: Callable | None = None  # plan -> list[dict] or dict
    row_label: Callable | None = None  # row -> str
    field_labels: dict = field(default_factory=dict)
    restore: Callable | None = None  # (plan, rows) -> None: put the section back (adjustments)


SECTIONS: dict[str, Section] = {}


def register_section(section: Section) -> None:
    SECTIONS[section.name] = section


def _value(obj, name):
    value = getattr(obj, name)
    return None if value is None else str(value)


def _rows(qs, fields):
    return [{f: _value(o, f) for f in fields} for o in qs]


PLAN_SNAPSHOT_FIELDS = ("title", "level", "department_id", "period_kind", "period_start",
                        "period_end", "summary", "macro_economy", "policy_regulation",
                        "market_size", "market_size_unit", "growth_rate", "trends",
                        "market_notes", "lessons_learned")
GOAL_FIELDS = ("id", "title", "indicator_id", "measure", "unit", "baseline", "target",
               "direction", "deadline")
ACTION_FIELDS = ("id", "title", "department_id", "person_id", "deadline", "steps",
                 "resources", "expected_result", "critical")


def _register_defaults():
    from plans.models import ActionItem, Competitor, Goal, Plan, Resource, Strategy

    register_section(Section(
        "plan", _("Plan"), Plan, key="",
        build=lambda plan: {f: _value(plan, f) for f in PLAN_SNAPSHOT_FIELDS}))
    register_section(Section(
        "competitors", _("Competitors"), Competitor, key="name",
        build=lambda plan: _rows(plan.competitors.all(), (
            "name", "product_features", "market_share", "marketing_strategy", "strengths",
            "weaknesses"))))
    register_section(Section(
        "resources", _("Internal resources"), Resource, key="kind",
        build=lambda plan: _rows(plan.resources.all(), ("kind", "strengths", "gaps"))))
    register_section(Section(
        "goals", _("Goals"), Goal, key="id",
        build=lambda plan: _rows(plan.goals.all(), GOAL_FIELDS)))
    register_section(Section(
        "strategies", _("Strategies"), Strategy, key="kind",
        build=lambda plan: _rows(plan.strategies.all(), ("kind", "content"))))
    register_section(Section(
        "actions", _("Action items"), ActionItem, key="id",
        build=lambda plan: [
            {**_rows([a], ACTION_FIELDS)[0],
             "goals": sorted(g.pk for g in a.goals.all())}
            for a in plan.actions.prefetch_related("goals")],
        field_labels={"goals": _("goals served")}))


def sections() -> dict[str, Section]:
    if not SECTIONS or "plan" not in SECTIONS:
        _register_defaults()
    return SECTIONS


def snapshot(plan) -> dict:
    return {name: section.build(plan) for name, section in sections().items()
            if section.build is not None}


# --- the diff ---------------------------------------------------------------------------------

def _field_label(section: Section | None, name: str) -> str:
    if section is not None:
        if name in section.field_labels:
            return str(section.field_labels[name])
        if section.model is not None:
            attname = name[:-3] if name.endswith("_id") else name
            from django.core.exceptions import FieldDoesNotExist

            try:
                return str(capfirst(section.model._meta.get_field(attname).verbose_name))
            except FieldDoesNotExist:
                return capfirst(name.replace("_", " "))
    return capfirst(name.replace("_id", "").replace("_", " "))


def _section_label(name: str) -> str:
    section = sections().get(name)
    return str(section.label) if section else capfirst(name.replace("_", " "))


KEY_FALLBACKS = ("id", "kind", "name", "title", "code")


def _key_field(section: Section | None, rows: list[dict]) -> str | None:
    """The field that identifies rows on both sides: the section's key when every row has
    it (older snapshots may lack it), else the first fallback every row has."""
    candidates = ([section.key] if section and section.key else []) + list(KEY_FALLBACKS)
    for key in candidates:
        if rows and all(row.get(key) not in (None, "") for row in rows):
            return key
    return None


def _row_key(key: str | None, row: dict, index: int):
    return (key, str(row[key])) if key else ("#", index)


def _row_label(section: Section | None, row: dict) -> str:
    if section is not None and section.row_label is not None:
        return section.row_label(row)
    for key in ("title", "name", "kind", "category", "code", "label", "id"):
        if row.get(key):
            if key == "kind" and section is not None and section.model is not None:
                choices = dict(section.model._meta.get_field("kind").choices or ())
                return str(choices.get(row[key], row[key]))
            return str(row[key])
    return "—"


def _fields(section, old: dict, new: dict) -> list[dict]:
    skip = {section.key} if section is not None and section.key else set()
    changes = []
    for name in list(dict.fromkeys([*old.keys(), *new.keys()])):
        if name in skip or name == "id" or name not in old or name not in new:
            continue  # a field only one snapshot has is a change of format, not of content
        before, after = old.get(name), new.get(name)
        if before != after:
            changes.append({"field": name, "label": _field_label(section, name),
                            "old": before, "new": after})
    return changes


def diff(old: dict, new: dict) -> list[dict]:
    """Every difference between two snapshots, section by section: fields of the plan that
    changed; rows added, removed or changed (with each changed field, old and new value).
    Sections present in only one snapshot count as all added or all removed."""
    result = []
    for name in list(dict.fromkeys([*old.keys(), *new.keys()])):
        section = sections().get(name)
        before, after = old.get(name), new.get(name)
        entry = {"section": name, "label": _section_label(name), "changed": [], "added": [],
                 "removed": [], "fields": []}
        if isinstance(before, dict) or isinstance(after, dict):
            before = before if before is not None else dict.fromkeys(after)
            after = after if after is not None else dict.fromkeys(before)
            entry["fields"] = _fields(section, before, after)
        else:
            key_field = _key_field(section, [*(before or []), *(after or [])])
            old_rows = {_row_key(key_field, r, i): r for i, r in enumerate(before or [])}
            new_rows = {_row_key(key_field, r, i): r for i, r in enumerate(after or [])}
            for key, row in new_rows.items():
                if key not in old_rows:
                    entry["added"].append({"label": _row_label(section, row), "row": row})
                else:
                    changes = _fields(section, old_rows[key], row)
                    if changes:
                        entry["changed"].append({"label": _row_label(section, row),
                                                 "fields": changes})
            for key, row in old_rows.items():
                if key not in new_rows:
                    entry["removed"].append({"label": _row_label(section, row), "row": row})
        if entry["fields"] or entry["added"] or entry["removed"] or entry["changed"]:
            result.append(entry)
    return result


# --- restoring ----------------------------------------------------------------------------------

def _assign(obj, data: dict, fields) -> None:
    for name in fields:
        if name == "id" or name not in data:
            continue
        model_field = obj._meta.get_field(name[:-3] if name.endswith("_id") else name)
        value = data[name]
        if model_field.is_relation:
            setattr(obj, model_field.attname, int(value) if value is not None else None)
        else:
            setattr(obj, name, model_field.to_python(value))


def restore(plan, snap: dict) -> None:
    """Put the plan's content back as the snapshot says (a rejected adjustment returns to the
    approved revision). Rows keep their ids, so progress and deviations stay linked."""
    from plans.models import ActionItem, Competitor, Goal, Resource

    _assign(plan, snap.get("plan", {}), [f for f in PLAN_SNAPSHOT_FIELDS if f != "period_end"])
    plan.save()
    for strategy in plan.strategies.all():
        row = next((r for r in snap.get("strategies", []) if r["kind"] == strategy.kind), None)
        strategy.content = row["content"] if row else ""
        strategy.save(update_fields=["content"])
    plan.competitors.all().delete()
    for row in snap.get("competitors", []):
        item = Competitor(plan=plan)
        _assign(item, row, row.keys())
        item.save()
    plan.resources.all().delete()
    for row in snap.get("resources", []):
        item = Resource(plan=plan)
        _assign(item, row, row.keys())
        item.save()
    for model, rows, fields in ((Goal, snap.get("goals", []), GOAL_FIELDS),
                                (ActionItem, snap.get("actions", []), ACTION_FIELDS)):
        if rows and not any(r.get("id") for r in rows):
            continue  # a snapshot from before rows carried ids: leave the section as it is
        keep = {int(r["id"]) for r in rows if r.get("id")}
        model.objects.filter(plan=plan).exclude(pk__in=keep).delete()
        existing = {o.pk: o for o in model.objects.filter(plan=plan, pk__in=keep)}
        for row in rows:
            if not row.get("id"):
                continue
            obj = existing.get(int(row["id"])) or model(pk=int(row["id"]), plan=plan)
            _assign(obj, row, [f for f in fields if f in row])
            obj.save()
            if model is ActionItem and "goals" in row:
                obj.goals.set(Goal.objects.filter(plan=plan, pk__in=row["goals"]))
    for section in SECTIONS.values():  # sections other apps add (costs: the budget)
        if section.restore is not None:
            section.restore(plan, snap.get(section.name, []))
