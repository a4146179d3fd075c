"""Textual's terminal driver with its output passed through SgrDiff. Only the real terminal
gets it: the headless driver (tests, snapshots) writes nothing, and the web driver of
`swarmtui serve` is left as Textual chose it."""

from __future__ import annotations

import threading

from textual.app import App
from textual.driver import Driver
from textual.drivers.linux_driver import LinuxDriver

from swarmtui.ui.wire.sgr_diff import SgrDiff


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
        self._sgr_diff = SgrDiff()
        # Writes come from the event loop, and a few from the driver's own threads: each
        # is rewritten and queued as one step, in the order they came.
        self._order = threading.Lock()

    def write(self, data: str) -> None:
        with self._order:
            super().write(self._sgr_diff.rewrite(data))


def with_fewer_bytes(chosen: type[Driver]) -> type[Driver]:
    """The driver to use instead of the one Textual CHOSE: WireDriver for the terminal."""
    return WireDriver if chosen is LinuxDriver else chosen
