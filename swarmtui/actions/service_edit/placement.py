"""Placement constraints and preferences, edited as `--constraint-add/--constraint-rm` and
`--placement-pref-add/--placement-pref-rm` edit them: constraints are plain strings (sorted
afterwards, as the CLI sorts them), preferences are matched by their spread descriptor."""

from __future__ import annotations

import re

from swarmtui.actions.service_edit.edits import FieldEdit, entries, flag_words
from swarmtui.actions.service_edit.form import ServiceEditForm
from swarmtui.actions.service_edit.spec_tree import PLACEMENT, Spec, ensure, put_list
from swarmtui.actions.validation import InputError, constraint_entry

SPREAD_RE = re.compile(
    r"^spread=(node\.(id|hostname|role|labels\.[\w.-]+)|engine\.labels\.[\w.-]+)$"
)


def _added_and_removed(before: str, after: str, field: str) -> tuple[list[str], list[str]]:
    old, new = entries(before, field), entries(after, field)
    return [e for e in new if e not in old], [e for e in old if e not in new]


def constraints_edit(before: ServiceEditForm, after: ServiceEditForm) -> FieldEdit | None:
    added, removed = _added_and_removed(before.constraints, after.constraints, "constraints")
    if not added and not removed:
        return None
    for constraint in added:
        constraint_entry(constraint)
    words = flag_words("--constraint-rm", removed) + flag_words("--constraint-add", added)

    def apply(spec: Spec) -> None:
        placement = ensure(spec, PLACEMENT)
        current = placement.get("Constraints") or []
        kept = sorted(c for c in current + added if c not in removed)
        put_list(placement, "Constraints", kept)

    return FieldEdit("constraints", tuple(words), apply)


def placement_pref_entry(text: str) -> str:
    if not SPREAD_RE.match(text):
        raise InputError(
            "placement_prefs",
            f"{text!r}: preferences look like spread=node.labels.zone (spread is the only kind).",
        )
    return text.removeprefix("spread=")


def placement_prefs_edit(before: ServiceEditForm, after: ServiceEditForm) -> FieldEdit | None:
    added, removed = _added_and_removed(
        before.placement_prefs, after.placement_prefs, "placement_prefs"
    )
    if not added and not removed:
        return None
    added_descriptors = [placement_pref_entry(text) for text in added]
    removed_descriptors = {text.removeprefix("spread=") for text in removed}
    words = flag_words("--placement-pref-rm", removed) + flag_words("--placement-pref-add", added)

    def apply(spec: Spec) -> None:
        placement = ensure(spec, PLACEMENT)
        kept = [
            p
            for p in placement.get("Preferences") or []
            if (p.get("Spread") or {}).get("SpreadDescriptor") not in removed_descriptors
        ]
        kept += [{"Spread": {"SpreadDescriptor": d}} for d in added_descriptors]
        put_list(placement, "Preferences", kept)

    return FieldEdit("placement_prefs", tuple(words), apply)
