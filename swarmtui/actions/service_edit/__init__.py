"""Editing a running service: the form prefilled from its live spec, the spec with only the
changed fields changed, and the `docker service update` line the edit amounts to.
See docs/service-edit-design.md."""

from swarmtui.actions.service_edit.form import ServiceEditForm, SwarmNames, form_from_spec
from swarmtui.actions.service_edit.plan import apply_edit, edit_plan, update_command

__all__ = [
    "ServiceEditForm",
    "SwarmNames",
    "apply_edit",
    "edit_plan",
    "form_from_spec",
    "update_command",
]
