"""The key bar at the bottom of every screen."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.cells import cell_len
from textual import events
from textual.app import ComposeResult
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

HELP_ACTIONS = ("help", "app.help")  # the app's `?`, a modal's F1
# Keys the footer leaves out first when its keys do not fit, so that `? Help` (which lists
# every key) stays on screen: the palette, a refresh the polling does anyway, and quit.
SPARE_ACTIONS = ("command_palette", "refresh", "quit")


def key_width(key_display: str, description: str) -> int:
    """Cells a FooterKey takes: ` key description ` (Footer's paddings)."""
    return cell_len(key_display) + cell_len(description) + 3


def keys_left_out(keys: Sequence[tuple[str, int]], width: int) -> frozenset[int]:
    """Which of KEYS (action, cells), in footer order, to leave out so that the rest fits in
    WIDTH with the help key in full (the last key's right padding may be cut, as Footer
    does): the spare actions first, then the screen's last keys. A footer without the help
    key is left as it is."""
    if all(action not in HELP_ACTIONS for action, _ in keys):
        return frozenset()
    left_out: set[int] = set()

    def fits() -> bool:
        return sum(cells for i, (_, cells) in enumerate(keys) if i not in left_out) - 1 <= width

    spare = [i for action in SPARE_ACTIONS for i, key in enumerate(keys) if key[0] == action]
    candidates = spare + [i for i in reversed(range(len(keys))) if i not in spare]
    for index in candidates:
        if fits():
            break
        if keys[index][0] not in HELP_ACTIONS:
            left_out.add(index)
    return frozenset(left_out)


class KeyFooter(Footer):
    """Textual's Footer, rebuilt only when the keys it shows changed.

    Textual's Footer removes and mounts all its keys (tens of widgets, each one styled) on
    every `refresh_bindings`, and a cursor move on the main screen asks for that several
    times (each pane's allowed actions follow the selection). That cost most of the time
    of a key press; the keys shown are the same almost every time. The keys are built by
    Footer.compose, from the same bindings.

    When the keys are wider than the footer (80 columns), some are left out (see
    keys_left_out) rather than cut at the edge, so `? Help` always shows in full.
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
        shown = tuple(
            (binding, enabled, tooltip, app.get_key_display(binding))
            for _, binding, enabled, tooltip in bindings.values()
            if binding.show or (palette is not None and binding is palette.binding)
        )
        return (*shown, self._left_out(shown))

    def _left_out(self, shown: tuple[Any, ...]) -> frozenset[tuple[str, str]]:
        """(key, action) of the keys to leave out at the footer's width."""
        width = self.size.width or self.app.size.width
        keys = [
            (binding.action, key_width(display, binding.description))
            for binding, *_, display in shown
        ]
        indexes = keys_left_out(keys, width)
        return frozenset((shown[i][0].key, shown[i][0].action) for i in indexes)

    def compose(self) -> ComposeResult:
        # Before the first bindings update Footer shows nothing (and reads nothing).
        self._shown = self._what_compose_reads() if self._bindings_ready else None
        left_out = self._shown[-1] if self._shown else frozenset()
        for widget in super().compose():
            if isinstance(widget, FooterKey):
                if (widget.key, widget.action) in left_out:
                    continue
                # A FooterKey starts compact and takes the footer's `compact` once mounted:
                # two class changes, each restyling the key. Starting it with the footer's
                # value leaves its classes as they end up anyway, without either.
                widget.set_reactive(FooterKey.compact, self.compact)
            yield widget

    def on_resize(self, event: events.Resize) -> None:
        if self._shown is not None:
            self.call_after_refresh(self.recompose)  # a no-op unless other keys fit now

    async def recompose(self) -> None:
        if not self.is_attached or self._pruning:
            return  # a screen being dismissed still gets its last bindings refresh
        if self._shown is not None and self._what_compose_reads() == self._shown:
            return
        await super().recompose()
