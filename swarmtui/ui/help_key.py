"""The help keys of a modal screen (a modal cuts the app's own `?` off): `?`, and F1 where
`?` is text."""

from __future__ import annotations

from textual.binding import Binding


def help_binding(binding_id: str, *, show: bool = False) -> Binding:
    """`?` on a modal screen: the keys, from the screen's own. An Input with the focus takes
    `?` as text first. SHOW: in the screen's footer (a screen without text fields)."""
    return Binding("question_mark", "app.help", "Help", show=show, id=binding_id)


def field_help_binding(binding_id: str) -> Binding:
    """F1 on a modal with text fields, shown in its footer: `?` typed there is text."""
    return Binding("f1", "app.help", "Help", id=binding_id)
