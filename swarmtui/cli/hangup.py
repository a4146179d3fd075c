"""SIGHUP: the terminal is gone (the SSH connection to the jump host dropped).

Python's default for SIGHUP ends the process on the spot, the shells' SSH channels and the
engine connections cut rather than closed. The handler closes what is open (the open shells'
channels and connections, the session's streams and its connection), then exits without
restoring a terminal that is no longer there. It runs on the main thread even while a shell
holds the terminal (the relay loops there), and exits within CLOSE_DEADLINE whatever the
closing does: a lock held by the code it interrupted cannot keep the console alive.
"""

from __future__ import annotations

import os
import signal
import threading
from types import FrameType

from swarmtui.session.session import Session

CLOSE_DEADLINE = 0.5
HANGUP_EXIT_STATUS = 128 + signal.SIGHUP


def _close_everything(session: Session) -> None:
    try:
        session.shells.close_open()
    finally:
        session.close()


def exit_on_hangup(session: Session) -> None:
    """From now on SIGHUP closes SESSION's shells and connections and ends the process
    (call on the main thread)."""

    def hang_up(signum: int, frame: FrameType | None) -> None:
        closing = threading.Thread(target=_close_everything, args=(session,), daemon=True)
        closing.start()
        closing.join(CLOSE_DEADLINE)
        os._exit(HANGUP_EXIT_STATUS)

    signal.signal(signal.SIGHUP, hang_up)
