"""Textual's terminal driver with its output passed through the WireFilter. Only the
real terminal gets it: the headless driver (tests, snapshots) writes nothing, and the web
driver of `swarmtui serve` is left as Textual chose it."""

from __future__ import annotations

import os
import threading

from textual.app import App
from textual.driver import Driver
from textual.drivers.linux_driver import LinuxDriver

from swarmtui.ui.wire.wire_filter import WireFilter


class WireDriver(LinuxDriver):
    def __init__(
        self,
        app: App[object],
        *,
        debug: bool = False,
        mouse: bool = True,
        size: tuple[int, int] | None = None,
    ) -> None:
        super().__init__(app, debug=debug, mouse=mouse, size=size)
        self._filter = WireFilter()
        # Writes come from the event loop, and a few from the driver's own threads: each
        # is rewritten and queued as one step, in the order they came.
        self._order = threading.Lock()

    def _terminal_size(self) -> tuple[int, int] | None:
        """The size the terminal has now (not the one Textual last heard of)."""
        if self._file is None:
            return None
        try:
            size = os.get_terminal_size(self._file.fileno())
        except (ValueError, OSError):
            return None
        return size.columns, size.lines

    def write(self, data: str) -> None:
        with self._order:
            super().write(self._filter.rewrite(data, self._terminal_size()))

    def forget_screen(self) -> None:
        """The next frames are sent in full: for a redraw of a screen something else wrote
        over."""
        with self._order:
            self._filter.cells.forget()


def with_fewer_bytes(chosen: type[Driver]) -> type[Driver]:
    """The driver to use instead of the one Textual CHOSE: WireDriver for the terminal."""
    return WireDriver if chosen is LinuxDriver else chosen


def redraw(app: App[object]) -> None:
    """Paint the whole screen again, every cell sent (on the terminal: nothing to do
    elsewhere)."""
    driver = app._driver
    if isinstance(driver, WireDriver):
        driver.forget_screen()
        app.refresh()
