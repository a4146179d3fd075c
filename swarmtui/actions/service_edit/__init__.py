"""Editing a running service: the form prefilled from its live spec, the spec with only the
changed fields changed, and the `docker service update` line the edit amounts to.
See docs/service-edit-design.md."""

from swarmtui.actions.service_edit.edit_operations import edit_service, edit_service_spec
from swarmtui.actions.service_edit.form import ServiceEditForm, SwarmNames, form_from_spec
from swarmtui.actions.service_edit.plan import apply_edit, edit_plan, update_command
from swarmtui.actions.service_edit.spec_yaml import parse_spec_yaml, spec_patch, spec_yaml

__all__ = [
    "ServiceEditForm",
    "SwarmNames",
    "apply_edit",
    "edit_plan",
    "edit_service",
    "edit_service_spec",
    "form_from_spec",
    "parse_spec_yaml",
    "spec_patch",
    "spec_yaml",
    "update_command",
]
