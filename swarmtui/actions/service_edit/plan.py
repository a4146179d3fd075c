"""From the form as it was to the form as the user left it: the edits, the new spec and the
`docker service update` line they amount to."""

from __future__ import annotations

import copy
import shlex

from swarmtui.actions.service_edit.container_lists import (
    env_edit,
    labels_edit,
    mounts_edit,
    ports_edit,
)
from swarmtui.actions.service_edit.container_options import healthcheck_edit, logging_edit
from swarmtui.actions.service_edit.edits import FieldEdit
from swarmtui.actions.service_edit.form import ServiceEditForm, SwarmNames
from swarmtui.actions.service_edit.placement import constraints_edit, placement_prefs_edit
from swarmtui.actions.service_edit.references import networks_edit, reference_edit
from swarmtui.actions.service_edit.scalars import scalar_edits
from swarmtui.actions.service_edit.spec_tree import Spec
from swarmtui.actions.validation import InputError


def _refuse_what_update_cannot_change(before: ServiceEditForm, after: ServiceEditForm) -> None:
    if after.name.strip() != before.name:
        raise InputError("name", "A service cannot be renamed: create a new one instead.")
    if after.mode != before.mode:
        raise InputError(
            "mode", f"The mode of a service ({before.mode}) cannot change: create a new one."
        )
    if after.replicas != before.replicas and before.mode != "replicated":
        raise InputError("replicas", f"A {before.mode} service has no replica count to set.")


def edit_plan(
    before: ServiceEditForm, after: ServiceEditForm, names: SwarmNames | None = None
) -> list[FieldEdit]:
    """Every field the user changed, validated, in the form's order; the first bad field
    raises InputError naming it."""
    names = names or SwarmNames()
    _refuse_what_update_cannot_change(before, after)
    found = scalar_edits(before, after)
    for edit in (
        env_edit(before, after),
        ports_edit(before, after),
        constraints_edit(before, after),
        placement_prefs_edit(before, after),
        labels_edit(before, after),
        mounts_edit(before, after),
        networks_edit(before, after, names),
        reference_edit(before, after, "Secret", names),
        reference_edit(before, after, "Config", names),
        healthcheck_edit(before, after),
        logging_edit(before, after),
    ):
        if edit is not None:
            found.append(edit)
    return found


def apply_edit(
    spec: Spec,
    before: ServiceEditForm,
    after: ServiceEditForm,
    names: SwarmNames | None = None,
) -> Spec:
    """SPEC with only what changed between BEFORE and AFTER changed; every other key, also
    the ones the form does not know, is left as it was. SPEC itself is not modified."""
    new = copy.deepcopy(spec)
    for edit in edit_plan(before, after, names):
        edit.apply(new)
    return new


def update_command(
    service_name: str,
    before: ServiceEditForm,
    after: ServiceEditForm,
    names: SwarmNames | None = None,
) -> str:
    """The minimal `docker service update` the edit amounts to (names only, never values of
    secrets); without changes, just the command and the service."""
    words = ["docker", "service", "update"]
    for edit in edit_plan(before, after, names):
        words += edit.words
    return shlex.join([*words, service_name])
