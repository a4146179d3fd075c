"""A terminal emulator (pyte) to tell whether two byte streams leave the same screen: what
Textual writes, and what swarmtui's wire filters send instead.

pyte keeps no dim, rapid blink, conceal, double underline, framed, encircled or overlined
attribute; FullScreen keeps them too (xterm's meaning: 22 ends dim as well as bold, 24 every
underline), carried in the cells' foreground so that they are compared with the rest.
"""

from __future__ import annotations

from typing import Any

import pyte

EXTRA_ON = {2, 6, 8, 21, 51, 52, 53}
EXTRA_OFF = {22: {2}, 25: {6}, 28: {8}, 24: {21}, 54: {51, 52}, 55: {53}}


class FullScreen(pyte.Screen):
    def __init__(self, columns: int, lines: int) -> None:
        self.extras: set[int] = set()
        super().__init__(columns, lines)

    def reset(self) -> None:
        super().reset()
        self.extras = set()

    def select_graphic_rendition(self, *attrs: int, **kwargs: Any) -> None:
        if kwargs.get("private"):
            return
        codes = list(attrs) or [0]
        index = 0
        while index < len(codes):
            code = codes[index]
            if code in (38, 48):  # an extended colour: skip its arguments
                index += {5: 3, 2: 5}.get(codes[index + 1] if index + 1 < len(codes) else 0, 1)
                continue
            if code == 0:
                self.extras = set()
            elif code in EXTRA_ON:
                self.extras.add(code)
            elif code in EXTRA_OFF:
                self.extras -= EXTRA_OFF[code]
            index += 1
        super().select_graphic_rendition(*attrs)
        fg = self.cursor.attrs.fg.split("|")[0]
        if self.extras:
            fg += "|" + ",".join(str(code) for code in sorted(self.extras))
        self.cursor.attrs = self.cursor.attrs._replace(fg=fg)

    def restore_cursor(self) -> None:
        super().restore_cursor()
        extras = self.cursor.attrs.fg.partition("|")[2]
        self.extras = {int(code) for code in extras.split(",") if code}


class Terminal:
    """A screen of COLUMNS x LINES fed with text (str, as Textual writes it)."""

    def __init__(self, columns: int, lines: int) -> None:
        self.screen = FullScreen(columns, lines)
        self.stream = pyte.Stream(self.screen)

    def feed(self, data: str) -> None:
        self.stream.feed(data)

    def state(self) -> tuple[object, ...]:
        """Every cell (text and attributes), the cursor and the rendition it would paint in."""
        screen = self.screen
        cells = tuple(
            tuple(screen.buffer[y][x] for x in range(screen.columns)) for y in range(screen.lines)
        )
        cursor = screen.cursor
        return cells, (cursor.x, cursor.y, cursor.hidden), cursor.attrs

    def text(self) -> str:
        return "\n".join(self.screen.display)
