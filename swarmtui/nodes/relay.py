"""The terminal handed to a shell: raw keys in, the shell's bytes out, the size followed.

Runs while the console is suspended (the terminal is back in the state it was before the
console started). Blocking, until the shell ends, the connection drops or the terminal
closes; the terminal's modes and the SIGWINCH handler are restored whatever happens.
"""

from __future__ import annotations

import os
import select
import signal
import termios
import threading
import tty
from collections.abc import Callable
from dataclasses import dataclass
from types import FrameType
from typing import Any

from swarmtui.ports import ShellStream

SIZE_CHECK_SECONDS = 0.5  # also without SIGWINCH (not the main thread): the size is polled
STATUS_WAIT_SECONDS = 2.0
READ_SIZE = 65536

TerminalSize = Callable[[], tuple[int, int]]


@dataclass(frozen=True)
class RelayEnd:
    """How the shell ended: its exit status, or None when the connection went first."""

    exit_status: int | None
    terminal_closed: bool = False  # the user's terminal went away (EOF on stdin)

    @property
    def dropped(self) -> bool:
        return self.exit_status is None and not self.terminal_closed


def terminal_size(fd: int) -> tuple[int, int]:
    """(columns, rows) of the terminal on FD; 80x24 when it is not one."""
    try:
        size = os.get_terminal_size(fd)
    except OSError:
        return 80, 24
    return size.columns, size.lines


def relay(
    stream: ShellStream,
    stdin_fd: int,
    stdout_fd: int,
    size: TerminalSize | None = None,
) -> RelayEnd:
    """Copy STDIN_FD to STREAM and STREAM to STDOUT_FD until one of them ends."""
    size_of = size or (lambda: terminal_size(stdout_fd))
    saved = _raw_mode(stdin_fd)
    wake_read, wake_write = os.pipe()
    previous = _on_resize(lambda: os.write(wake_write, b"."))
    try:
        current = size_of()
        stream.resize(*current)
        terminal_closed = _pump(stream, stdin_fd, stdout_fd, wake_read, size_of, current)
    finally:
        _restore_resize(previous)
        os.close(wake_read)
        os.close(wake_write)
        if saved is not None:
            termios.tcsetattr(stdin_fd, termios.TCSADRAIN, saved)
    try:
        status = stream.exit_status()
    finally:
        stream.close()
    return RelayEnd(status, terminal_closed)


def _pump(
    stream: ShellStream,
    stdin_fd: int,
    stdout_fd: int,
    wake_fd: int,
    size_of: TerminalSize,
    current: tuple[int, int],
) -> bool:
    """Copy both ways; True when the user's terminal closed, False when the shell ended."""
    remote = stream.fileno()
    while True:
        if stream.buffered():
            ready = [remote]
        else:
            ready, _, _ = select.select([remote, stdin_fd, wake_fd], [], [], SIZE_CHECK_SECONDS)
        if remote in ready:
            data = stream.read()
            if not data:
                return False
            _write_all(stdout_fd, data)
        if stdin_fd in ready:
            typed = os.read(stdin_fd, READ_SIZE)
            if not typed:
                return True
            try:
                stream.write(typed)
            except OSError:
                return False  # the connection dropped under the keys
        if wake_fd in ready:
            os.read(wake_fd, 64)
        now = size_of()
        if now != current:
            current = now
            stream.resize(*current)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def _raw_mode(fd: int) -> list[Any] | None:
    """Put the terminal on FD in raw mode; its modes before, None when it is no terminal."""
    if not os.isatty(fd):
        return None
    saved: list[Any] = termios.tcgetattr(fd)
    tty.setraw(fd)
    return saved


_Handler = Callable[[int, FrameType | None], object] | int | None


def _on_resize(wake: Callable[[], object]) -> tuple[bool, _Handler]:
    """Wake the pump on SIGWINCH (only the main thread may install a handler)."""
    if threading.current_thread() is not threading.main_thread():
        return False, None
    previous = signal.signal(signal.SIGWINCH, lambda signum, frame: wake())
    return True, previous


def _restore_resize(installed: tuple[bool, _Handler]) -> None:
    done, previous = installed
    if done:
        signal.signal(signal.SIGWINCH, previous if previous is not None else signal.SIG_DFL)
