"""Rewrites what Textual writes to the terminal so colours and attributes are sent as
changes, not in full for every segment.

Textual renders each segment as `CSI <every code> m text CSI 0 m`: a line of table cells
repeats the same 20 to 40 bytes of escape codes per cell, even where only the foreground
changes or nothing does. SgrDiff keeps the rendition the raw output would leave the terminal
in (`wanted`) beside the one it has really sent (`sent`) and brings the terminal up to date
lazily: only before something that paints or depends on it (text, erasing, scrolling, any
sequence not understood here), with the shortest SGR sequence that gets there. Cursor moves
and hyperlinks do not touch the rendition, so a reset and the next segment's codes around a
cursor move become one small difference. Every write ends with the terminal in the
rendition the raw write would have left it in (the default, for Textual), so nothing else
writing to the terminal between writes (a shell, a suspended console) sees a difference.
"""

from __future__ import annotations

import re

from swarmtui.ui.wire.sgr_state import DEFAULT, Rendition, apply_sgr, transition

TOKEN = re.compile(
    r"(?P<text>[^\x00-\x1f\x7f-\x9f]+)"
    r"|(?P<csi>\x1b\[(?P<params>[0-?]*)(?P<inter>[ -/]*)(?P<final>[@-~]))"
    r"|(?P<osc>\x1b\][^\x07\x1b]*(?:\x07|\x1b\\))"
    r"|(?P<other>\x1b[ -/]*[0-~])"
    r"|(?P<single>[\x00-\x1f\x7f-\x9f])",
    re.DOTALL,
)
# An escape sequence not finished yet (a CSI, an OSC, another escape). A write that ends in
# one goes out as it is, and so do the next ones until the sequence is over.
# Some terminals end an OSC at any escape, others only at BEL or ST: the longest counts.
OPEN_SEQUENCE = re.compile(
    r"\x1b(?:\[[0-?]*[ -/]*|\](?:[^\x07\x1b]|\x1b[^\\])*\x1b?|[ -/]*)\Z", re.DOTALL
)
# CSI finals that only move the cursor (no scrolling, no painting): CUU CUD CUF CUB CNL CPL
# CHA CUP VPA HVP HPA HPR VPR.
CURSOR_MOVES = frozenset("ABCDEFGHdf`ae")
# Controls that only move the cursor: CR, BS, HT. LF is not among them: at the bottom line
# it scrolls, and a terminal with background colour erase fills the new line with the
# current background.
QUIET_CONTROLS = frozenset("\r\b\t")


class SgrDiff:
    """Feed it every write, in order: `rewrite` returns what to send instead."""

    def __init__(self) -> None:
        self.wanted: Rendition | None = DEFAULT  # None: unknown (passed through as is)
        self.sent: Rendition | None = DEFAULT
        self.open_sequence = ""  # the sequence the last write ended inside of

    def _catch_up(self, out: list[str]) -> None:
        if self.wanted is not None and self.wanted != self.sent:
            out.append(transition(self.sent, self.wanted))
            self.sent = self.wanted

    def _lose_track(self) -> None:
        self.wanted = self.sent = None

    def rewrite(self, data: str) -> str:
        if self.open_sequence or OPEN_SEQUENCE.search(data):
            self._pass_open_sequence(data)
            return data
        out: list[str] = []
        append = out.append
        for token in TOKEN.finditer(data):  # every character is in some token
            kind = token.lastgroup
            if kind == "text":
                self._catch_up(out)
                append(token.group())
            elif kind == "csi":
                self._csi(token, out)
            elif kind == "osc" or token.group() in QUIET_CONTROLS:
                append(token.group())  # titles, hyperlinks, cursor moves: rendition untouched
            else:  # other escapes and controls: they may paint, scroll or reset
                self._catch_up(out)
                append(token.group())
                if kind == "other" or token.group() == "\x1b" or token.group() >= "\x80":
                    # Save / restore cursor, resets, C1 controls, a sequence cut short
                    self._lose_track()
        self._catch_up(out)
        return "".join(out)

    def _pass_open_sequence(self, data: str) -> None:
        """DATA goes out as it is: it finishes or opens an escape sequence."""
        self._lose_track()
        still_open = OPEN_SEQUENCE.fullmatch(self.open_sequence + data)
        if self.open_sequence and still_open:
            self.open_sequence += data
        else:
            tail = OPEN_SEQUENCE.search(data)
            self.open_sequence = tail.group() if tail else ""

    def _csi(self, token: re.Match[str], out: list[str]) -> None:
        params, inter, final = token.group("params", "inter", "final")
        plain = not inter and params[:1] not in ("<", "=", ">", "?")
        if final == "m" and plain:
            # A reset first: whatever came before no longer matters.
            base = DEFAULT if params.split(";", 1)[0] in ("", "0") else self.wanted
            after = apply_sgr(base, params) if base is not None else None
            if after is not None:
                self.wanted = after
                return
            # Not understood (or on top of something not understood): sent as it is.
            self._catch_up(out)
            out.append(token.group())
            self._lose_track()
            return
        if final in CURSOR_MOVES and plain:
            out.append(token.group())
            return
        self._catch_up(out)
        out.append(token.group())
        if inter:  # DECSTR (CSI ! p) and other rarities may reset the rendition
            self._lose_track()
