"""The installed console in a real pseudo-terminal, as a user over SSH meets it.

Pilot waits for the app to settle after every key; a terminal does not. PtyConsole runs the
`swarmtui` entry point of the venv under a pty of a fixed size, writes whole key sequences
in one `write()` (a burst, as an SSH link or a paste delivers them) and reads the screen
back through pyte, a terminal emulator.
"""

from __future__ import annotations

import fcntl
import os
import pty
import select
import signal
import struct
import sys
import termios
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from types import TracebackType

import pyte

SWARMTUI = Path(sys.executable).with_name("swarmtui")

# What a terminal sends for the keys tests type.
ENTER = "\r"
TAB = "\t"
SHIFT_TAB = "\x1b[Z"
CTRL_E = "\x05"
CTRL_S = "\x13"
CTRL_U = "\x15"
CTRL_Y = "\x19"
CTRL_P = "\x10"
CTRL_R = "\x12"
DOWN = "\x1b[B"
UP = "\x1b[A"
RIGHT = "\x1b[C"
ESC = "\x1b"


class PtyConsole:
    def __init__(
        self,
        args: Sequence[str],
        home: Path,
        cols: int = 120,
        rows: int = 40,
        term: str = "xterm-256color",
        extra_env: Mapping[str, str] | None = None,
        program: Sequence[str] = (),
        keep_screens: bool = False,
    ) -> None:
        """PROGRAM (a whole command line) runs instead of the console, e.g. a shell that
        starts it. KEEP_SCREENS: remember every screen shown (`screens_shown`), not only the
        last: the console sends only the cells that change, so a screen that was shown is
        not in the transcript as text."""
        self.cols, self.rows = cols, rows
        self._screen = pyte.Screen(cols, rows)
        self._stream = pyte.ByteStream(self._screen)
        self._lock = threading.Lock()
        self._bytes_read = 0
        self.transcript = bytearray()  # everything the console wrote to the terminal
        self._screens: list[str] | None = [] if keep_screens else None
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": str(home),
            "XDG_CONFIG_HOME": str(home / ".config"),
            "XDG_DATA_HOME": str(home / ".local" / "share"),
            "TERM": term,
            "LANG": "C.UTF-8",
        }  # no COLUMNS/LINES: they would pin the size and hide a resize from the console
        env.update(extra_env or {})  # $EDITOR for the spec editor
        pid, fd = pty.fork()
        if pid == 0:  # the child: size the terminal before the console reads it
            fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
            argv = list(program) or [str(SWARMTUI), *args]
            os.execve(argv[0], argv, env)
        self.pid, self.fd = pid, fd
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        while True:
            try:
                ready, _, _ = select.select([self.fd], [], [], 0.2)
                if not ready:
                    if self._exited():
                        return
                    continue
                data = os.read(self.fd, 65536)
            except OSError:
                return
            if not data:
                return
            with self._lock:
                self._bytes_read += len(data)
                self.transcript += data
                self._stream.feed(data)
                if self._screens is not None:
                    self._screens.append("\n".join(self._screen.display))

    def _exited(self) -> bool:
        try:
            pid, _ = os.waitpid(self.pid, os.WNOHANG)
        except ChildProcessError:
            return True
        if pid:
            self.pid = 0
        return pid != 0

    @property
    def running(self) -> bool:
        return self.pid != 0 and not self._exited()

    def write(self, keys: str) -> None:
        """Send KEYS in one write: the console receives them as one burst."""
        data = keys.encode()
        written = os.write(self.fd, data)
        assert written == len(data), f"short write: {written} of {len(data)} bytes"

    def resize(self, cols: int, rows: int) -> None:
        """Resize the terminal as a window manager would: the kernel signals SIGWINCH to
        whatever runs in it (the console, or a shell it handed the terminal to)."""
        with self._lock:
            self._screen.resize(rows, cols)
            self.cols, self.rows = cols, rows
        fcntl.ioctl(self.fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))

    @property
    def bytes_read(self) -> int:
        """Bytes the console wrote to the terminal so far."""
        with self._lock:
            return self._bytes_read

    def screens_shown(self) -> list[str]:
        """Each screen shown after a read from the terminal (with keep_screens)."""
        assert self._screens is not None, "PtyConsole(keep_screens=True) keeps them"
        with self._lock:
            return list(self._screens)

    def text(self) -> str:
        with self._lock:
            return "\n".join(self._screen.display)

    def wait_for(
        self, expected: str | Callable[[str], bool], timeout: float = 60.0, what: str = ""
    ) -> str:
        """Wait until the screen shows EXPECTED (text, or a predicate on the screen's text)."""
        check = expected if callable(expected) else (lambda screen: expected in screen)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            screen = self.text()
            if check(screen):
                return screen
            if not self.running:
                break
            time.sleep(0.05)
        label = what or (expected if isinstance(expected, str) else "the condition")
        raise AssertionError(f"the console never showed {label!r}; screen:\n{self.text()}")

    def close(self) -> None:
        if self.pid and not self._exited():
            os.kill(self.pid, signal.SIGTERM)
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline and not self._exited():
                time.sleep(0.05)
            if self.pid and not self._exited():
                os.kill(self.pid, signal.SIGKILL)
                os.waitpid(self.pid, 0)
        os.close(self.fd)
        self._reader.join(timeout=5)

    def __enter__(self) -> PtyConsole:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()
