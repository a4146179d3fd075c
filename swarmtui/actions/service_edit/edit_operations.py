"""The edit of a service as an Operation, from the form or from the YAML spec.

Both post through `Mutator.replace_service`: it inspects the service, builds the new spec from
the spec *current then* and posts it with that version; on "update out of sequence" it
inspects again and builds again. So the same edit is re-applied to whatever changed behind
the form's back, and every key the user did not change stays as the engine has it.
"""

from __future__ import annotations

from swarmtui.actions.operations import Operation
from swarmtui.actions.service_edit.form import ServiceEditForm, SwarmNames, form_from_spec
from swarmtui.actions.service_edit.plan import apply_edit, update_command
from swarmtui.actions.service_edit.spec_tree import Spec
from swarmtui.actions.service_edit.spec_yaml import SpecPatch, spec_patch
from swarmtui.core.models import Service


def edit_service(
    service: Service, before: ServiceEditForm, after: ServiceEditForm, names: SwarmNames
) -> Operation:
    """Raises InputError (naming the form field) when a changed field is not acceptable."""
    command = update_command(service.name, before, after, names)

    def build(current: Spec) -> Spec:
        return apply_edit(current["Spec"], before, after, names)

    return Operation(
        f"Edit {service.name}",
        command,
        lambda m: m.replace_service(service.id, build),
    )


def yaml_update_command(service_name: str, original: Spec, edited: Spec, names: SwarmNames) -> str:
    """The `docker service update` of the changes the form knows, and the spec keys changed
    beyond them (no CLI flag for some: they are named after the command)."""
    before = form_from_spec(original, names)
    after = form_from_spec(edited, names)
    command = update_command(service_name, before, after, names)
    beyond = spec_patch(apply_edit(original, before, after, names), edited).paths
    if beyond:
        command += "  # and in the spec: " + ", ".join(beyond)
    return command


def edit_service_spec(
    service: Service, original: Spec, edited: Spec, names: SwarmNames
) -> Operation:
    """The edit made in the YAML: the keys changed from ORIGINAL to EDITED, applied to the
    current spec. EDITED is checked already (parse_spec_yaml)."""
    patch: SpecPatch = spec_patch(original, edited)
    changed = ", ".join(patch.paths) or "nothing"
    return Operation(
        f"Edit {service.name}",
        yaml_update_command(service.name, original, edited, names),
        lambda m: m.replace_service(service.id, lambda current: patch.apply(current["Spec"])),
        warning=f"Changed in the spec: {changed}.",
    )
