"""The wire filters change bytes, never the screen: streams written as Textual writes them and
as swarmtui sends them instead leave the same cells, cursor and rendition in a terminal
emulator after every write. Thousands of generated streams: frames as Textual paints them
(full and partial, wide characters, every attribute and colour form) and streams with what
the filters do not model (erasing, scrolling, saved cursors, hyperlinks, unknown and cut
sequences), which must pass through unharmed."""

from __future__ import annotations

import random

import pytest
from helpers.emulated_terminal import Terminal

from swarmtui.ui.wire.sgr_diff import SgrDiff
from swarmtui.ui.wire.wire_filter import WireFilter

FLAGS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 21, 51, 52, 53]
TEXT = "abcxyz -_|.●▍─│╭╮中日😀"  # narrow and wide (two cells) characters
OFF_CODES = ["22", "23", "24", "25", "27", "28", "29", "39", "49", "54", "55"]


def colour(rng: random.Random, base: int) -> str:
    kind = rng.randrange(4)
    if kind == 0:
        return str(base + rng.randrange(8))
    if kind == 1:
        return str(base + 60 + rng.randrange(8))
    if kind == 2:
        return f"{base + 8};5;{rng.randrange(256)}"
    return f"{base + 8};2;{rng.randrange(256)};{rng.randrange(256)};{rng.randrange(256)}"


def style(rng: random.Random) -> str:
    """The codes of one segment's style, as Rich renders one (empty: no style)."""
    codes = [str(flag) for flag in sorted(rng.sample(FLAGS, rng.choice([0, 0, 1, 1, 2, 3])))]
    if rng.random() < 0.8:
        codes.append(colour(rng, 30))
    if rng.random() < 0.8:
        codes.append(colour(rng, 40))
    return ";".join(codes)


def text(rng: random.Random, width: int) -> str:
    """Characters filling at most WIDTH cells."""
    out, used = [], 0
    while used < width:
        char = rng.choice(TEXT)
        cells = 2 if char in "中日😀" else 1
        if used + cells > width:
            char, cells = rng.choice("abc "), 1
        out.append(char)
        used += cells
    return "".join(out)


def segments(rng: random.Random, width: int, palette: list[str]) -> str:
    """A line part of WIDTH cells as Textual renders it: `CSI codes m text CSI 0 m` each."""
    out, left = [], width
    while left > 0:
        size = rng.randint(1, left)
        codes = rng.choice(palette)
        chunk = text(rng, size)
        out.append(f"\x1b[{codes}m{chunk}\x1b[0m" if codes else chunk)
        left -= size
    return "".join(out)


def textual_frame(rng: random.Random, cols: int, rows: int, palette: list[str]) -> str:
    """A full repaint (every line) or a partial one (some spans), as Textual writes them."""
    full = rng.random() < 0.3
    out = []
    lines = range(rows) if full else sorted(rng.sample(range(rows), rng.randint(1, rows)))
    for index, y in enumerate(lines):
        x = 0 if full else rng.randrange(cols)
        width = cols - x if full else rng.randint(1, cols - x)
        out.append(f"\x1b[{y + 1};{x + 1}H{segments(rng, width, palette)}")
        if index < len(lines) - 1:
            out.append("\n")
    out.append(f"\x1b[{rng.randint(1, rows)};{rng.randint(1, cols)}H")
    return "".join(out)


def oddity(rng: random.Random, cols: int, rows: int) -> str:
    """Something Textual's frames do not hold, or hold rarely."""
    return rng.choice(
        [
            f"\x1b[{rng.randint(0, rows + 2)};{rng.randint(0, cols + 2)}H",
            f"\x1b[{rng.choice('ABCDGd')}",
            f"\x1b[{rng.randint(1, 3)}{rng.choice('ABCD')}",
            f"\x1b[{rng.choice(['', '0', '1', '2'])}{rng.choice('KJ')}",
            f"\x1b[{rng.randint(1, 4)}{rng.choice('XP@LM')}",
            "\n",
            "\r",
            "\b",
            "\t",
            "\x1b7",
            "\x1b8",
            "\x1b]8;id=1;http://example.test\x1b\\",
            "\x1b]8;;\x1b\\",
            "\x1b]0;title\x07",
            f"\x1b[{style(rng)}m",
            f"\x1b[{rng.choice(OFF_CODES)}m",
            "\x1b[m",
            "\x1b[58;5;3m",
            "\x1b[4:3m",
            "\x1b[?25l",
            "\x1b[?25h",
            "\x1b[?2026h",
            "\x1b[?2026l",
            "\x1b[?7h",
            text(rng, rng.randint(1, 4)),
            "é\u0301",
        ]
    )


def chaos(rng: random.Random, cols: int, rows: int, palette: list[str]) -> str:
    parts = [oddity(rng, cols, rows) for _ in range(rng.randint(1, 12))]
    if rng.random() < 0.5:
        parts.insert(rng.randrange(len(parts) + 1), textual_frame(rng, cols, rows, palette))
    data = "".join(parts)
    if rng.random() < 0.1:  # a write cut in the middle of a sequence
        data += rng.choice(["\x1b", "\x1b[", "\x1b[38;5", "\x1b]8;"])
    return data


def writes(seed: int) -> tuple[int, int, list[str]]:
    rng = random.Random(seed)
    cols, rows = rng.randint(4, 24), rng.randint(2, 8)
    palette = [style(rng) for _ in range(rng.randint(1, 6))] + [""]
    odd = rng.random() < 0.4
    out = []
    for _ in range(rng.randint(2, 10)):
        if odd and rng.random() < 0.5:
            out.append(chaos(rng, cols, rows, palette))
        else:
            out.append(textual_frame(rng, cols, rows, palette))
    return cols, rows, out


def check_stream(seed: int, cell_diff: bool) -> tuple[int, int]:
    """Bytes written and sent for the writes of SEED; asserts the screens match."""
    cols, rows, stream = writes(seed)
    raw, sent = Terminal(cols, rows), Terminal(cols, rows)
    wire, sgr = WireFilter(), SgrDiff()
    before = after = 0
    for index, data in enumerate(stream):
        rewritten = wire.rewrite(data, (cols, rows)) if cell_diff else sgr.rewrite(data)
        raw.feed(data)
        sent.feed(rewritten)
        before, after = before + len(data.encode()), after + len(rewritten.encode())
        assert sent.state() == raw.state(), (
            f"seed {seed}, write {index}: {data!r}\nsent as {rewritten!r}\n"
            f"raw:\n{raw.text()}\nsent:\n{sent.text()}"
        )
    return before, after


@pytest.mark.parametrize("block", range(4))
def test_generated_streams_leave_the_same_screen(block: int) -> None:
    before = after = 0
    for seed in range(block * 500, (block + 1) * 500):
        written, sent = check_stream(seed, cell_diff=True)
        before, after = before + written, after + sent
    assert after < before


@pytest.mark.parametrize("block", range(1))
def test_sgr_differences_alone_leave_the_same_screen(block: int) -> None:
    for seed in range(10_000 + block * 250, 10_000 + (block + 1) * 250):
        check_stream(seed, cell_diff=False)
