"""The graphic rendition (SGR) state of a terminal, as far as Textual sets it, and the
shortest SGR sequence that takes the terminal from one such state to another."""

from __future__ import annotations

from functools import lru_cache
from typing import NamedTuple

# What each "off" code ends: 22 bold and dim alike, 24 every underline, 25 every blink.
OFF_CODES: dict[int, frozenset[int]] = {
    22: frozenset({1, 2}),
    23: frozenset({3}),
    24: frozenset({4, 21}),
    25: frozenset({5, 6}),
    27: frozenset({7}),
    28: frozenset({8}),
    29: frozenset({9}),
    54: frozenset({51, 52}),
    55: frozenset({53}),
}
# Rapid blink, double underline, framed, encircled, overlined: dropping one of them goes
# through a full reset (rare, and 21 was "bold off" on the Linux console: never relied on).
RARE_FLAGS = frozenset({6, 21, 51, 52, 53})
OFF_CODE_OF = {
    flag: off for off, flags in OFF_CODES.items() for flag in flags if flag not in RARE_FLAGS
}
FLAGS = frozenset(OFF_CODE_OF) | RARE_FLAGS
FOREGROUNDS = frozenset({*range(30, 38), *range(90, 98)})
BACKGROUNDS = frozenset({*range(40, 48), *range(100, 108)})


class Rendition(NamedTuple):
    """Attribute flags (their "on" codes) and the colours as the SGR parameters that set
    them ("31", "38;5;208", "38;2;1;2;3"); None: the terminal's default colour. A tuple:
    every cell holds one, and they are compared all the time."""

    flags: frozenset[int] = frozenset()
    fg: str | None = None
    bg: str | None = None

    def codes(self) -> list[str]:
        """The parameters that set this rendition on top of the default one."""
        codes = [str(flag) for flag in sorted(self.flags)]
        codes += [colour for colour in (self.fg, self.bg) if colour is not None]
        return codes


DEFAULT = Rendition()


def _colour(params: list[str], start: int) -> tuple[str, int] | None:
    """The extended colour (38/48 ;5;n or ;2;r;g;b) at START and the index after it."""
    mode = params[start + 1 : start + 2]
    width = {"5": 3, "2": 5}.get(mode[0]) if mode else None
    if width is None or len(params) < start + width:
        return None
    values = params[start + 1 : start + width]
    if not all(value.isdigit() and int(value) <= 255 for value in values[1:]):
        return None
    return ";".join(params[start : start + width]), start + width


@lru_cache(maxsize=4096)
def apply_sgr(rendition: Rendition, parameters: str) -> Rendition | None:
    """RENDITION after `CSI PARAMETERS m`; None when a parameter is not one understood here
    (sub-parameters, fonts, underline colours...): the caller then leaves it alone."""
    if ":" in parameters:
        return None
    params = parameters.split(";")
    flags, fg, bg = set(rendition.flags), rendition.fg, rendition.bg
    index = 0
    while index < len(params):
        param = params[index]
        if param and not param.isdigit():
            return None
        code = int(param or "0")
        if code == 0:
            flags, fg, bg = set(), None, None
            index += 1
            continue
        if code in (38, 48):
            found = _colour(params, index)
            if found is None:
                return None
            colour, index = found
            if code == 38:
                fg = colour
            else:
                bg = colour
            continue
        if code in FLAGS:
            flags.add(code)
        elif code in OFF_CODES:
            flags -= OFF_CODES[code]
        elif code in FOREGROUNDS or code == 39:
            fg = None if code == 39 else str(code)
        elif code in BACKGROUNDS or code == 49:
            bg = None if code == 49 else str(code)
        else:
            return None
        index += 1
    return Rendition(frozenset(flags), fg, bg)


@lru_cache(maxsize=4096)
def transition(current: Rendition | None, wanted: Rendition) -> str:
    """The shortest SGR sequence taking the terminal from CURRENT (None: unknown) to WANTED;
    empty when they are the same."""
    full = "\x1b[m" if wanted == DEFAULT else f"\x1b[0;{';'.join(wanted.codes())}m"
    if current is None:
        return full
    if current == wanted:
        return ""
    dropped = current.flags - wanted.flags
    if dropped & RARE_FLAGS:
        return full
    offs = sorted({OFF_CODE_OF[flag] for flag in dropped})
    # An off code ends its whole group: the group's flags still wanted are set again.
    ended = frozenset().union(*(OFF_CODES[off] for off in offs))
    ons = sorted((wanted.flags - current.flags) | (wanted.flags & ended))
    codes = [str(code) for code in (*offs, *ons)]
    if wanted.fg != current.fg:
        codes.append(wanted.fg or "39")
    if wanted.bg != current.bg:
        codes.append(wanted.bg or "49")
    step = f"\x1b[{';'.join(codes)}m"
    return step if len(step) <= len(full) else full
