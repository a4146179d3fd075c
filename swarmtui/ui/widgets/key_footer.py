"""The key bar at the bottom of every screen."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.screen import Screen
from textual.strip import Strip
from textual.widget import Widget

FOOTER_COMPONENTS = (
    "footer-key--item",
    "footer-key--item-disabled",
    "footer-key--key",
    "footer-key--description",
)
HELP_ACTIONS = ("help", "app.help")  # the app's `?`, a modal's F1
# Keys the footer leaves out first when its keys do not fit, so that `? Help` (which lists
# every key) stays on screen: the palette, a refresh the polling does anyway, and quit.
SPARE_ACTIONS = ("command_palette", "refresh", "quit")


def key_width(key_display: str, description: str) -> int:
    """Cells a FooterKey takes: ` key description ` (Footer's paddings), or the bare key
    without a description."""
    if not description:
        return cell_len(key_display)
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


@dataclass(frozen=True)
class ShownKey:
    """One key in the footer: what Textual's FooterKey would show, and the cells it takes."""

    key: str
    key_display: str
    description: str
    action: str
    enabled: bool
    start: int  # the first cell, from the footer's left edge
    end: int  # one past the last


class KeyFooter(Widget, can_focus=False):
    """The key bar: the screen's shown bindings, drawn as one line of one widget.

    Textual's Footer is a container with a FooterKey widget per key, removed and mounted
    again (each one styled) whenever the keys change; moving the focus between the panes
    changes them, and that was a quarter of the key's cost. This draws the same cells as
    Footer with its FooterKeys (same theme colours, paddings and dimmed disabled keys) and
    only repaints its line when the keys change.

    When the keys are wider than the footer (80 columns), some are left out (see
    keys_left_out) rather than cut at the edge, so `? Help` always shows in full.
    """

    ALLOW_SELECT = False
    COMPONENT_CLASSES: ClassVar[set[str]] = set(FOOTER_COMPONENTS)
    DEFAULT_CSS = """
    KeyFooter {
        dock: bottom;
        height: 1;
        color: $footer-foreground;
        background: $footer-background;
        text-wrap: nowrap;
        text-overflow: clip;
        .footer-key--item {
            background: $footer-item-background;
        }
        .footer-key--item-disabled {
            background: $footer-item-background;
            text-style: dim;
        }
        .footer-key--key {
            color: $footer-key-foreground;
            background: $footer-key-background;
            text-style: bold;
        }
        .footer-key--description {
            color: $footer-description-foreground;
            background: $footer-description-background;
        }
    }
    """

    def __init__(self, *, show_command_palette: bool = True) -> None:
        super().__init__()
        self.show_command_palette = show_command_palette
        self._bindings_ready = False
        self._keys: tuple[ShownKey, ...] = ()
        self._line: tuple[object, Strip] | None = None  # what it was drawn from, and how
        self._update_pending = False

    @property
    def keys(self) -> tuple[ShownKey, ...]:
        """The keys on show, left to right."""
        return self._keys

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self.bindings_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def bindings_changed(self, screen: Screen[Any]) -> None:
        self._bindings_ready = True
        if not screen.app.app_focus:
            return
        if self.is_attached and screen is self.screen and not self._update_pending:
            self._update_pending = True  # a focus change publishes two or three times
            self.call_after_refresh(self._pending_update)

    def _pending_update(self) -> None:
        self._update_pending = False
        self.update_keys()

    def on_resize(self, event: events.Resize) -> None:
        if self._bindings_ready:
            self.update_keys()  # other keys may fit now

    def update_keys(self) -> None:
        """The keys again from the screen's bindings; a repaint only when they changed."""
        if not self.is_attached or self._pruning:
            return  # a screen being dismissed still gets its last bindings refresh
        keys = self._keys_to_show()
        if keys != self._keys:
            self._keys = keys
            self.refresh()

    def _keys_to_show(self) -> tuple[ShownKey, ...]:
        """What Footer.compose would show: the first shown binding of each action, in the
        order of the screen's active bindings (and the palette's last), then left out to
        fit the width."""
        app = self.app
        bindings = self.screen.active_bindings
        by_action: dict[str, tuple[Binding, bool]] = {}
        for _, binding, enabled, _tooltip in bindings.values():
            if binding.show:
                by_action.setdefault(binding.action, (binding, enabled))
        shown = list(by_action.values())
        if self.show_command_palette and app.ENABLE_COMMAND_PALETTE:
            palette = bindings.get(app.COMMAND_PALETTE_BINDING)
            if palette is not None:
                shown.append((palette.binding, palette.enabled))
        displays = [app.get_key_display(binding) for binding, _ in shown]
        widths = [
            (binding.action, key_width(display, binding.description))
            for (binding, _), display in zip(shown, displays, strict=True)
        ]
        left_out = keys_left_out(widths, self.size.width or app.size.width)
        keys = []
        start = 0
        for index, ((binding, enabled), display) in enumerate(zip(shown, displays, strict=True)):
            if index in left_out:
                continue
            end = start + widths[index][1]
            keys.append(
                ShownKey(
                    binding.key, display, binding.description, binding.action, enabled, start, end
                )
            )
            start = end
        return tuple(keys)

    def render_line(self, y: int) -> Strip:
        """The keys' line, drawn again only when the keys, the width or the theme changed:
        the keys alternate as the focus moves between panes."""
        width = self.size.width
        base = self.rich_style
        styles = tuple(self.get_component_rich_style(name) for name in FOOTER_COMPONENTS)
        key = (self._keys, width, base, styles)
        if self._line is None or self._line[0] != key:
            self._line = (key, self._draw(width, base, *styles))
        return self._line[1]

    def _draw(
        self, width: int, base: Style, item: Style, disabled: Style, keys: Style, text: Style
    ) -> Strip:
        segments = []
        for shown in self._keys:
            under = base + (item if shown.enabled else disabled)
            if shown.description:
                segments.append(Segment(f" {shown.key_display} ", under + keys))
                segments.append(Segment(f"{shown.description} ", under + text))
            else:
                segments.append(Segment(shown.key_display, under + keys))
        fill = Style.from_color(bgcolor=base.bgcolor)  # as Textual pads a line: no colour
        return Strip(segments).crop(0, width).extend_cell_length(width, fill)

    def key_at(self, x: int) -> ShownKey | None:
        return next((key for key in self._keys if key.start <= x < key.end), None)

    def on_click(self, event: events.Click) -> None:
        key = self.key_at(event.x)
        if key is None:
            return
        if key.enabled:
            self.app.simulate_key(key.key)
        else:
            self.app.bell()
