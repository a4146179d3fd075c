"""Hand the terminal to a shell: the console suspends (Textual gives the terminal back as it
was before the console started), the relay runs until the shell ends, the console resumes
and repaints."""

from __future__ import annotations

import os
import sys
from typing import Any

from textual.app import App, SuspendNotSupported

from swarmtui.nodes.relay import RelayEnd, relay
from swarmtui.session.shells import OpenedShell


class HandoverImpossible(Exception):
    """This console runs where the terminal cannot be handed over (a browser)."""


def hand_terminal(app: App[Any], shell: OpenedShell, typed_ahead: bytes) -> RelayEnd:
    """Run SHELL in the terminal (blocking) and return how it ended."""
    stdin = sys.__stdin__.fileno() if sys.__stdin__ else 0
    stdout = sys.__stdout__.fileno() if sys.__stdout__ else 1
    try:
        with app.suspend():
            banner = (
                f"[swarmtui] shell in {shell.what}: {shell.command}\r\n"
                "[swarmtui] exit or ctrl+d returns to the console\r\n"
            )
            os.write(stdout, banner.encode())
            if typed_ahead:
                shell.stream.write(typed_ahead)
            return relay(shell.stream, stdin, stdout)
    except SuspendNotSupported as exc:
        raise HandoverImpossible(
            "This console cannot hand its terminal over (a browser session): open the shell "
            "from a terminal."
        ) from exc
