"""Sends only the cells that change. Textual repaints whole widgets, and at times the whole
screen, when one cell changed or nothing did (a screen resuming, a mount finishing, a
background screen's leftovers). CellDiff keeps a copy of what the terminal shows, reads
each frame Textual writes into it, and writes only the cells that differ, each run of them
after one cursor move.

Only the frames it fully understands are read this way: cursor positioning, text of
known width inside the screen, SGR codes SgrDiff understands, and the modes that leave the
cells alone (cursor visibility, synchronized output, mouse and paste reporting). Anything
else (an alternate screen switch, an erase, scrolling, a resize, hyperlinks) goes out as it
came and the copy is forgotten, so the next frames are sent in full where they paint.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from rich.cells import get_character_cell_size

from swarmtui.ui.wire.sgr_diff import TOKEN
from swarmtui.ui.wire.sgr_state import DEFAULT, Rendition, apply_sgr

# A cell: its text ("" for the right half of a wide character) and rendition; None: not
# known (never written, or disturbed by a wide character written over part of it).
Cell = tuple[str, Rendition]
Row = list[Cell | None]
# Private modes that change no cell: wrap, cursor blink and visibility, mouse reporting,
# focus events, bracketed paste, synchronized output, in-band resize. (OSC sequences other
# than hyperlinks change none either.)
CELL_SAFE_MODES = frozenset({7, 12, 25, 1000, 1002, 1003, 1004, 1006, 1015, 1016, 2004, 2026, 2048})
# Unchanged cells between two changed ones are sent again when they are this close: a
# cursor move costs about as much.
GAP = 4


@lru_cache(maxsize=1024)
def _width(char: str) -> int:
    return get_character_cell_size(char)


@lru_cache(maxsize=1024)
def _sgr_of(rendition: Rendition) -> str:
    """The sequence that sets RENDITION from any other: a reset, then its codes."""
    return f"\x1b[{';'.join(['0', *rendition.codes()])}m"


@lru_cache(maxsize=8192)
def _cells(text: str, rendition: Rendition) -> tuple[Cell, ...]:
    """The cells TEXT fills (Textual repaints the same texts over and over)."""
    cells: list[Cell] = []
    for char in text:
        width = _width(char)
        if width not in (1, 2):
            raise Unsupported(repr(char))  # zero width: combining, joiners, controls
        cells.append((char, rendition))
        if width == 2:
            cells.append(("", rendition))
    return tuple(cells)


class Unsupported(Exception):
    """The frame does something CellDiff does not model."""


def _mode_change(params: str, final: str) -> bool:
    """Whether `CSI PARAMS FINAL` only sets or resets private modes that change no cell."""
    if final not in "hl" or not params.startswith("?"):
        return False
    modes = params[1:].split(";")
    return all(mode.isdigit() and int(mode) in CELL_SAFE_MODES for mode in modes)


def _position(params: str, rows: int, cols: int) -> tuple[int, int]:
    """(x, y) of `CSI PARAMS H`, 0-based; Unsupported outside the screen."""
    parts = params.split(";") if params else []
    if len(parts) > 2 or not all(part.isdigit() or part == "" for part in parts):
        raise Unsupported(params)
    row, col = (int(part or "1") for part in [*parts, "", ""][:2])
    if not (1 <= row <= rows and 1 <= col <= cols):
        raise Unsupported(params)
    return col - 1, row - 1


@dataclass
class Frame:
    """What one write paints: the rows it touches (as they are after it), where it leaves
    the cursor, and the cell-safe mode changes it carries."""

    rows: dict[int, Row] = field(default_factory=dict)
    cursor: tuple[int, int] | None = None
    modes: bool = False


class CellDiff:
    def __init__(self) -> None:
        self.size = (0, 0)
        self.screen: list[Row] = []
        self.cursor: tuple[int, int] | None = None  # where the terminal's cursor is

    def forget(self) -> None:
        """Nothing on the terminal is known any more (it was resized, handed to another
        program, or asked for a redraw)."""
        cols, rows = self.size
        self.screen = [[None] * cols for _ in range(rows)]
        self.cursor = None

    def rewrite(
        self, data: str, size: tuple[int, int] | None, rendition: Rendition | None = DEFAULT
    ) -> str:
        """DATA, as Textual wrote it for a terminal of SIZE (columns, rows; None: unknown)
        in RENDITION (None: unknown), reduced to the cells that change."""
        if size is None or rendition is None:
            self.size = (0, 0)
            self.forget()
            return data
        if size != self.size:
            self.size = size
            self.forget()
        try:
            frame = self._read(data, rendition)
        except Unsupported:
            self.forget()
            return data
        if frame.modes and (frame.rows or frame.cursor is not None):
            self.forget()  # modes among cells: sent as they came, in their order
            return data
        if frame.modes or frame.cursor is None:
            return data
        return self._paint(frame)

    # Reading ---------------------------------------------------------------------------

    def _read(self, data: str, rendition: Rendition) -> Frame:
        cols, rows = self.size
        frame = Frame()
        x: int | None = None
        y: int | None = None
        placed = False  # the last move was an explicit cursor position
        for token in TOKEN.finditer(data):
            kind = token.lastgroup
            if kind == "text":
                if x is None or y is None:
                    raise Unsupported("text at an unknown position")
                x = self._put_text(frame, token.group(), x, y, rendition)
                placed = False
            elif kind == "csi":
                params, inter, final = token.group("params", "inter", "final")
                if inter:
                    raise Unsupported(token.group())
                if final == "m" and params[:1] not in ("<", "=", ">", "?"):
                    after = apply_sgr(rendition, params)
                    if after is None:
                        raise Unsupported(token.group())
                    rendition = after
                elif final in "Hf" and params[:1] not in ("<", "=", ">", "?"):
                    x, y = _position(params, rows, cols)
                    placed = True
                elif _mode_change(params, final):
                    frame.modes = True
                else:
                    raise Unsupported(token.group())
            elif kind == "osc" and not token.group().startswith("\x1b]8;"):
                frame.modes = True  # a pointer shape, the clipboard: no cell (links are)
            elif token.group() == "\n" and y is not None and y < rows - 1:
                y += 1  # no scrolling: not on the bottom line
                x = None  # the column depends on the tty's output processing
                placed = False
            elif token.group() == "\r" and y is not None:
                x = 0
                placed = False
            else:
                raise Unsupported(token.group())
        if rendition != DEFAULT:
            raise Unsupported("a rendition left set")  # Textual always resets
        if x is not None and y is not None:
            if not placed:  # Textual ends each frame with one
                raise Unsupported("the cursor left after text")
            frame.cursor = (x, y)
        elif y is not None:
            raise Unsupported("the cursor left in an unknown column")
        return frame

    def _put_text(self, frame: Frame, text: str, x: int, y: int, rendition: Rendition) -> int:
        cells = _cells(text, rendition)
        end = x + len(cells)
        if end > self.size[0]:
            raise Unsupported("text beyond the right edge")
        row = frame.rows.get(y)
        if row is None:
            row = frame.rows[y] = self.screen[y].copy()
        # Writing over half of a wide character blanks its other half on a terminal.
        first, last = row[x], row[end - 1]
        if first is not None and first[0] == "" and x > 0:
            row[x - 1] = None
        if last is not None and last[0] and _width(last[0]) == 2 and end < self.size[0]:
            row[end] = None
        row[x:end] = cells
        return end

    # Painting --------------------------------------------------------------------------

    def _paint(self, frame: Frame) -> str:
        out: list[str] = []
        for y in sorted(frame.rows):
            self._paint_row(y, frame.rows[y], out)
        if out:
            out.append("\x1b[0m")
            self.cursor = None  # painting moved it
        if frame.cursor is not None and frame.cursor != self.cursor:
            x, y = frame.cursor
            out.append(f"\x1b[{y + 1};{x + 1}H")
            self.cursor = frame.cursor
        return "".join(out)

    def _paint_row(self, y: int, new: Row, out: list[str]) -> None:
        old = self.screen[y]
        self.screen[y] = new
        if new == old:
            return
        changed = sorted(
            {
                x - 1 if cell[0] == "" else x  # a right half: its character
                for x, (cell, was) in enumerate(zip(new, old, strict=True))
                if cell is not None and cell != was
            }
        )
        for start, end in self._runs(changed, new):
            out.append(f"\x1b[{y + 1};{start + 1}H")
            rendition: Rendition | None = None
            for cell in new[start:end]:
                if cell is None or not cell[0]:
                    continue  # a right half: covered by the wide character before it
                if cell[1] is not rendition:
                    rendition = cell[1]
                    out.append(_sgr_of(rendition))
                out.append(cell[0])

    @staticmethod
    def _runs(changed: list[int], row: Row) -> list[tuple[int, int]]:
        """Runs [start, end) covering CHANGED, joined over short gaps of known cells."""
        runs: list[tuple[int, int]] = []
        start = end = -1
        for x in changed:
            if x < end:
                continue  # the right half of the wide character before
            if start < 0 or (x > end and (x - end > GAP or None in row[end:x])):
                if start >= 0:
                    runs.append((start, end))
                start = x
            cell = row[x]
            end = x + (_width(cell[0]) if cell is not None else 1)
        if start >= 0:
            runs.append((start, end))
        return runs
