"""The two filters in their order: CellDiff drops the cells that do not change, SgrDiff
sends the colours and attributes of the rest as changes."""

from __future__ import annotations

from swarmtui.ui.wire.cell_diff import CellDiff
from swarmtui.ui.wire.sgr_diff import SgrDiff


class WireFilter:
    def __init__(self) -> None:
        self.cells = CellDiff()
        self.sgr = SgrDiff()

    def rewrite(self, data: str, size: tuple[int, int] | None) -> str:
        """DATA as Textual wrote it for a terminal of SIZE (columns, rows; None: unknown),
        as it is sent."""
        # SgrDiff knows the rendition the writes so far left the terminal in.
        return self.sgr.rewrite(self.cells.rewrite(data, size, self.sgr.wanted))
