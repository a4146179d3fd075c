"""The `?` binding of a modal screen (a modal cuts the app's own `?` off)."""

from __future__ import annotations

from textual.binding import Binding


def help_binding(binding_id: str) -> Binding:
    """`?` on a modal screen: the keys, from the screen's own. An Input with the focus takes
    `?` as text first."""
    return Binding("question_mark", "app.help", "Help", show=False, id=binding_id)
