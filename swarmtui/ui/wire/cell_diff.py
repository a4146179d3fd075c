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

from rich.cells import get_character_cell_size

from swarmtui.ui.wire.sgr_diff import TOKEN
from swarmtui.ui.wire.sgr_state import DEFAULT, Rendition, apply_sgr

# A cell: its text ("" for the right half of a wide character) and rendition; None: not
# known (never written, or disturbed by a wide character written over part of it).
Cell = tuple[str, Rendition]
Row = list[Cell | None]
# Private modes that change no cell: wrap, cursor blink and visibility, mouse reporting,
# focus events, bracketed paste, synchronized output, in-band resize.
CELL_SAFE_MODES = frozenset({7, 12, 25, 1000, 1002, 1003, 1004, 1006, 1015, 1016, 2004, 2026, 2048})
# Unchanged cells between two changed ones are sent again when they are this close: a
# cursor move costs about as much.
GAP = 4


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
    """What one write paints: the rows it touches (column -> cell), where it leaves the
    cursor, and the cell-safe mode changes it carries."""

    rows: dict[int, dict[int, Cell | None]] = field(default_factory=dict)
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
        cols = self.size[0]
        row = frame.rows.setdefault(y, {})
        for char in text:
            width = get_character_cell_size(char)
            if width not in (1, 2) or x + width > cols:
                raise Unsupported(repr(char))
            for column in range(x, x + width):
                self._disturb(row, y, column)
            row[x] = (char, rendition)
            if width == 2:
                row[x + 1] = ("", rendition)
            x += width
        return x

    def _cell(self, row: dict[int, Cell | None], y: int, x: int) -> Cell | None:
        return row[x] if x in row else self.screen[y][x]

    def _disturb(self, row: dict[int, Cell | None], y: int, x: int) -> None:
        """Writing over half of a wide character blanks its other half on a terminal."""
        cell = self._cell(row, y, x)
        if cell is None:
            return
        if cell[0] == "" and x > 0:
            row[x - 1] = None
        elif get_character_cell_size(cell[0]) == 2 and x + 1 < self.size[0]:
            row[x + 1] = None

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

    def _paint_row(self, y: int, written: dict[int, Cell | None], out: list[str]) -> None:
        old = self.screen[y]
        new = old.copy()
        changed: set[int] = set()
        for x, cell in written.items():
            new[x] = cell
            if cell is not None and cell != old[x]:
                changed.add(x - 1 if cell[0] == "" else x)  # a right half: its character
        self.screen[y] = new
        for start, end in self._runs(sorted(changed), new):
            out.append(f"\x1b[{y + 1};{start + 1}H")
            rendition: Rendition | None = None
            for cell in new[start:end]:
                if cell is None or not cell[0]:
                    continue  # a right half: covered by the wide character before it
                text, style = cell
                if style != rendition:
                    out.append(f"\x1b[{';'.join(['0', *style.codes()])}m")
                    rendition = style
                out.append(text)

    @staticmethod
    def _runs(changed: list[int], row: Row) -> list[tuple[int, int]]:
        """Runs [start, end) covering CHANGED, joined over short gaps of known cells."""
        runs: list[tuple[int, int]] = []
        for x in changed:
            cell = row[x]
            if cell is None:
                continue
            end = x + get_character_cell_size(cell[0])
            if runs:
                start, last_end = runs[-1]
                gap = row[last_end:x]
                if x <= last_end or (len(gap) <= GAP and None not in gap):
                    runs[-1] = (start, max(end, last_end))
                    continue
            runs.append((x, end))
        return runs
