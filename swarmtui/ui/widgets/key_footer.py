"""The key bar at the bottom of every screen."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.widgets import Footer
from textual.widgets._footer import FooterKey


class KeyFooter(Footer):
    """Textual's Footer, rebuilt only when the keys it shows changed.

    Textual's Footer removes and mounts all its keys (tens of widgets, each one styled) on
    every `refresh_bindings`, and a cursor move on the main screen asks for that several
    times (each pane's allowed actions follow the selection). That cost most of the time
    of a key press; the keys shown are the same almost every time. Output is unchanged:
    the keys are built by Footer.compose, from the same bindings.
    """

    def __init__(self, *, show_command_palette: bool = True) -> None:
        super().__init__(show_command_palette=show_command_palette)
        self._shown: tuple[Any, ...] | None = None

    def _what_compose_reads(self) -> tuple[Any, ...]:
        """What Footer.compose builds the keys from: the bindings it shows and the command
        palette's (bindings compare by value)."""
        app = self.app
        bindings = self.screen.active_bindings
        palette = None
        if self.show_command_palette and app.ENABLE_COMMAND_PALETTE:
            palette = bindings.get(app.COMMAND_PALETTE_BINDING)
        return tuple(
            (binding, enabled, tooltip, app.get_key_display(binding))
            for _, binding, enabled, tooltip in bindings.values()
            if binding.show or (palette is not None and binding is palette.binding)
        )

    def compose(self) -> ComposeResult:
        # Before the first bindings update Footer shows nothing (and reads nothing).
        self._shown = self._what_compose_reads() if self._bindings_ready else None
        for widget in super().compose():
            if isinstance(widget, FooterKey):
                # A FooterKey starts compact and takes the footer's `compact` once mounted:
                # two class changes, each restyling the key. Starting it with the footer's
                # value leaves its classes as they end up anyway, without either.
                widget.set_reactive(FooterKey.compact, self.compact)
            yield widget

    async def recompose(self) -> None:
        if self._shown is not None and self._what_compose_reads() == self._shown:
            return
        await super().recompose()
