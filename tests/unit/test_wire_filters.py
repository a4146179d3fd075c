"""What the wire filters send for the frames Textual writes: colours as changes, only the
cells that change, everything again after a resize or anything not modelled; and which
driver gets them."""

from __future__ import annotations

from textual.drivers.headless_driver import HeadlessDriver
from textual.drivers.linux_driver import LinuxDriver
from textual.drivers.web_driver import WebDriver

from swarmtui.ui.wire.driver import WireDriver, with_fewer_bytes
from swarmtui.ui.wire.sgr_state import DEFAULT, Rendition, apply_sgr, transition
from swarmtui.ui.wire.wire_filter import WireFilter

SIZE = (40, 5)
GREY_ON_BLACK = "38;5;253;48;5;233"


def row(y: int, *segments: tuple[str, str]) -> str:
    """A line as Textual renders it: `CSI codes m text CSI 0 m` per segment."""
    return f"\x1b[{y};1H" + "".join(f"\x1b[{codes}m{text}\x1b[0m" for codes, text in segments)


def frame(*rows: str, cursor: str = "\x1b[5;1H") -> str:
    return "\n".join(rows) + cursor


TABLE = frame(
    row(1, (GREY_ON_BLACK, " web  "), ("1;" + GREY_ON_BLACK, "0/1"), (GREY_ON_BLACK, " !")),
    row(2, (GREY_ON_BLACK, " db   "), ("1;" + GREY_ON_BLACK, "1/1"), (GREY_ON_BLACK, "  ")),
)


def test_only_what_changes_in_the_rendition_is_sent() -> None:
    grey = apply_sgr(DEFAULT, GREY_ON_BLACK)
    assert grey is not None
    bold = Rendition(grey.flags | {1}, grey.fg, grey.bg)
    assert transition(grey, bold) == "\x1b[1m"
    assert transition(bold, grey) == "\x1b[22m"
    assert transition(grey, Rendition(fg="31", bg=grey.bg)) == "\x1b[31m"
    assert transition(grey, DEFAULT) == "\x1b[m"
    assert transition(None, bold) == f"\x1b[0;1;{GREY_ON_BLACK}m"  # unknown: from a reset
    dim = Rendition(frozenset({2}), grey.fg, grey.bg)
    assert transition(Rendition(frozenset({1, 2}), grey.fg, grey.bg), dim) == "\x1b[22;2m"
    overlined = Rendition(frozenset({53}), grey.fg, grey.bg)
    assert transition(overlined, grey) == f"\x1b[0;{GREY_ON_BLACK}m"  # rare: by a reset
    assert apply_sgr(DEFAULT, "4:3") is None and apply_sgr(DEFAULT, "58;5;1") is None


def test_a_repainted_frame_costs_nothing_and_one_cell_a_few_bytes() -> None:
    wire = WireFilter()
    first = wire.rewrite(TABLE, SIZE)
    assert "web" in first and "db" in first and len(first) < len(TABLE) * 0.7
    assert wire.rewrite(TABLE, SIZE) == ""  # the same frame again: nothing to send
    scaled = TABLE.replace("0/1", "0/2")
    sent = wire.rewrite(scaled, SIZE)
    assert sent == f"\x1b[1;9H\x1b[1;{GREY_ON_BLACK}m2\x1b[5;1H\x1b[m"


def test_a_resize_or_an_unmodelled_sequence_sends_everything_again() -> None:
    wire = WireFilter()
    wire.rewrite(TABLE, SIZE)
    assert "web" in wire.rewrite(TABLE, (41, 5))  # resized: the screen is not known
    assert wire.rewrite(TABLE, (41, 5)) == ""
    assert wire.rewrite("\x1b[?1049h", (41, 5)) == "\x1b[?1049h"  # e.g. back from a shell
    assert "web" in wire.rewrite(TABLE, (41, 5))
    wire.cells.forget()  # `r`: a redraw
    assert "web" in wire.rewrite(TABLE, (41, 5))


def test_mode_changes_pass_and_keep_the_screen_known() -> None:
    wire = WireFilter()
    wire.rewrite(TABLE, SIZE)
    for mode in ("\x1b[?2026h", "\x1b[?25l", "\x1b[?2026l", "\x1b]22;pointer\x07"):
        assert wire.rewrite(mode, SIZE) == mode
    assert wire.rewrite(TABLE, SIZE) == ""


def test_the_terminal_driver_gets_the_filter_and_no_other() -> None:
    assert with_fewer_bytes(LinuxDriver) is WireDriver
    assert with_fewer_bytes(WebDriver) is WebDriver  # `swarmtui serve`
    assert with_fewer_bytes(HeadlessDriver) is HeadlessDriver
