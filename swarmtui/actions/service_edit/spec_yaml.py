"""The service's spec as YAML for $EDITOR: the text to edit, the edited text checked, and the
edit as a patch (the keys the user changed) that is applied to the spec current at posting
time, so that a retry after "update out of sequence" re-applies the same edit."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import yaml

from swarmtui.actions.service_edit.form import SwarmNames, form_from_spec
from swarmtui.actions.service_edit.plan import edit_plan
from swarmtui.actions.service_edit.spec_tree import Path, Spec
from swarmtui.actions.validation import InputError

HEADER = (
    "# The spec of service {name} (version {version}). Edit, save and quit the editor;\n"
    "# the changes are checked and shown before anything is sent. Quit without saving to\n"
    "# change nothing.\n"
)
REMOVED = object()  # a patch value: the key is taken out of the spec


@dataclass(frozen=True)
class SpecPatch:
    """The keys of a spec the user changed: a new value, or REMOVED. Objects are compared key
    by key; a list or a scalar that differs is replaced whole."""

    changes: tuple[tuple[Path, Any], ...]

    @property
    def paths(self) -> list[str]:
        return [".".join(path) for path, _ in self.changes]

    def apply(self, spec: Spec) -> Spec:
        """SPEC with the changes made; every other key as it was. SPEC is not modified."""
        new = copy.deepcopy(spec)
        for path, value in self.changes:
            parent = new
            for key in path[:-1]:
                child = parent.get(key)
                if not isinstance(child, dict):
                    child = {}
                    parent[key] = child
                parent = child
            if value is REMOVED:
                parent.pop(path[-1], None)
            else:
                parent[path[-1]] = copy.deepcopy(value)
        return new


def spec_yaml(spec: Spec, version: int) -> str:
    body = yaml.safe_dump(spec, sort_keys=False, allow_unicode=True, default_flow_style=False)
    return HEADER.format(name=spec.get("Name", ""), version=version) + body


def _changes(before: Any, after: Any, path: Path) -> Iterator[tuple[Path, Any]]:
    if isinstance(before, dict) and isinstance(after, dict):
        for key, value in after.items():
            if key not in before:
                yield (*path, key), value
            else:
                yield from _changes(before[key], value, (*path, key))
        for key in before:
            if key not in after:
                yield (*path, key), REMOVED
    elif before != after or type(before) is not type(after):
        yield path, after


def spec_patch(original: Spec, edited: Spec) -> SpecPatch:
    return SpecPatch(tuple(_changes(original, edited, ())))


def parse_spec_yaml(text: str, original: Spec, names: SwarmNames | None = None) -> Spec:
    """The edited spec, checked: valid YAML, a mapping, the same name, and every field the
    form knows acceptable to the form's parsers (ports, env, limits ...). InputError says
    what is wrong; its field is the form field when there is one, else "yaml"."""
    try:
        edited = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise InputError("yaml", f"The YAML does not parse: {_yaml_problem(exc)}") from None
    if not isinstance(edited, dict):
        raise InputError("yaml", "The spec must be a mapping (Name, TaskTemplate, ...).")
    template = edited.get("TaskTemplate")
    if not isinstance(template, dict) or not isinstance(template.get("ContainerSpec"), dict):
        raise InputError("yaml", "TaskTemplate.ContainerSpec is missing.")
    if not str(template["ContainerSpec"].get("Image") or "").strip():
        raise InputError("yaml", "TaskTemplate.ContainerSpec.Image is empty.")
    try:
        before = form_from_spec(original, names)
        after = form_from_spec(edited, names)
    except (TypeError, AttributeError, KeyError, ValueError) as exc:
        raise InputError("yaml", f"A value has the wrong shape: {exc}") from None
    edit_plan(before, after, names)  # raises InputError for a bad port, limit, name ...
    return edited


def _yaml_problem(exc: yaml.YAMLError) -> str:
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None) or str(exc)
    if mark is None:
        return str(problem)
    return f"{problem} (line {mark.line + 1}, column {mark.column + 1})"
