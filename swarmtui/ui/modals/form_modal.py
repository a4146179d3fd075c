"""The base of the form screens (create service, create machine): labelled rows of Inputs and
Selects with ids `field-NAME`, the row being edited highlighted, and keys from field to field.

tab, shift+tab and enter (from a text field) are priority bindings: the app runs them when it
reads the key, before it hands the keys after them to the focused widget. Without that, keys
typed ahead of a slow event loop (a burst over SSH, `tmux send-keys`) land in the field that
was focused before the tab.
"""

from __future__ import annotations

from collections.abc import Iterable

from textual import events
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widget import Widget
from textual.widgets import Input, Label, Select

from swarmtui.ui.help_key import field_help_binding
from swarmtui.ui.modals.operation_modal import OperationModal
from swarmtui.ui.widgets.field_input import FieldInput

# (form field, label, placeholder or the choices of a Select)
FormField = tuple[str, str, str | tuple[str, ...]]


class FormModal(OperationModal):
    BINDINGS = [
        Binding("tab", "app.focus_next", "Next field", show=False, priority=True, id="form_next"),
        Binding(
            "shift+tab",
            "app.focus_previous",
            "Previous field",
            show=False,
            priority=True,
            id="form_previous",
        ),
        Binding("enter", "next_field", "Next field", show=False, priority=True, id="form_enter"),
        field_help_binding("field_help"),
    ]
    # False keeps a field's text unselected when the focus comes back to it after a failure.
    SELECT_ON_FOCUS = True

    def form_row(self, spec: FormField, default: str) -> Horizontal:
        name, label, hint = spec
        return Horizontal(
            Label(label, classes="form-label"),
            self.form_field(name, hint, default),
            classes="form-row",
        )

    def form_field(self, name: str, hint: str | tuple[str, ...], default: str) -> Widget:
        if isinstance(hint, tuple):
            return Select(
                [(choice, choice) for choice in hint],
                value=default,
                allow_blank=False,
                compact=True,
                id=f"field-{name}",
            )
        return FieldInput(
            value=default,
            placeholder=f"e.g. {hint}",
            compact=True,
            select_on_focus=self.SELECT_ON_FOCUS,
            id=f"field-{name}",
        )

    def field_values(self, names: Iterable[str]) -> dict[str, str]:
        """The text of each named field as typed (a Select's value as text)."""
        values: dict[str, str] = {}
        for name in names:
            widget = self.query_one(f"#field-{name}")
            if isinstance(widget, Select):
                values[name] = str(widget.value)
            elif isinstance(widget, Input):
                values[name] = widget.value
        return values

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        """Highlight the label of the field being edited."""
        for row in self.query(".form-row"):
            row.set_class(row in event.widget.ancestors, "-current")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "next_field":  # enter moves on from a text field only: buttons and
            return isinstance(self.focused, Input)  # choice lists keep their own enter
        return True

    def action_next_field(self) -> None:
        """enter moves on to the next field; ctrl+s sends."""
        self.focus_next()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()  # enter is the next_field binding; a remapped enter must not send
