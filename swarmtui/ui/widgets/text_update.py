"""Changing a Static's text without laying the whole screen out again."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static


def update_text(static: Static, text: Text) -> None:
    """Show `text` in `static`, asking for a layout only when its height may change.

    Static.update lays out the whole screen each time, which cost most of a key press in a
    form that shows its docker command as it is typed. A text that wraps to as many lines
    as the widget already has cannot change its size.
    """
    width = static.content_region.width
    if width > 0 and static.styles.height is not None and static.content_size.height > 0:
        lines = len(text.wrap(static.app.console, width))
        if lines == static.content_size.height:
            static.update(text, layout=False)
            return
    static.update(text)
