"""Field-to-field keys of the form screens (create service, create machine).

They are priority bindings: the app runs them when it reads the key, before it hands the
keys after them to the focused widget. Without that, keys typed ahead of a slow event loop
(a burst over SSH, `tmux send-keys`) land in the field that was focused before the tab.
"""

from __future__ import annotations

from typing import Any

from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Input

FORM_BINDINGS = [
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
]


def next_field_allowed(screen: Screen[Any]) -> bool:
    """enter moves on only from a text field; buttons and choice lists keep their enter."""
    return isinstance(screen.focused, Input)
