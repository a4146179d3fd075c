"""Keys typed while a shell was being opened, as the bytes a terminal would have sent.

A burst like `e` then `ls` + enter arrives before the shell is there: the key gate holds
the keys after `e`, and the shell gets them first, as typed."""

from __future__ import annotations

from collections.abc import Iterable

from textual import events

_SEQUENCES = {
    "enter": "\r",
    "tab": "\t",
    "escape": "\x1b",
    "backspace": "\x7f",
    "delete": "\x1b[3~",
    "up": "\x1b[A",
    "down": "\x1b[B",
    "right": "\x1b[C",
    "left": "\x1b[D",
    "home": "\x1b[H",
    "end": "\x1b[F",
    "pageup": "\x1b[5~",
    "pagedown": "\x1b[6~",
}


def typed_bytes(typed: Iterable[events.Event]) -> bytes:
    """What TYPED (keys and pastes, in order) would have written to the terminal."""
    parts: list[str] = []
    for event in typed:
        if isinstance(event, events.Paste):
            parts.append(event.text)
        elif isinstance(event, events.Key):
            sequence = _SEQUENCES.get(event.key)
            if sequence is not None:
                parts.append(sequence)
            elif event.character:
                parts.append(event.character)
    return "".join(parts).encode()
