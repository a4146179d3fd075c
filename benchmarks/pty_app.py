"""swarmtui running in a real pseudo-terminal: bytes are counted at the pty, as a terminal
(or an SSH session) would receive them. Other programs too (`ssh -t`, `docker exec -it`), to
time them the same way beside it.

What the program shows is read from a terminal emulator (pyte) fed with its output, not
from the output itself: the console sends only the cells that change, so "0/2" replacing
"0/1" arrives as one "2"."""

from __future__ import annotations

import fcntl
import os
import re
import select
import signal
import struct
import subprocess
import sys
import termios
import threading
import time
from bisect import bisect_left
from collections.abc import Mapping, Sequence

import pyte

ANSI_RE = re.compile(
    rb"\x1b\[[0-9;?<>=]*[ -/]*[@-~]|\x1b[()][0-9A-Za-z]|\x1b[=>78]|\x1b\][^\x07]*\x07"
)
CLK_TCK = os.sysconf("SC_CLK_TCK")


def _take_terminal() -> None:
    """In the child, after setsid: the pty on stdin becomes its controlling terminal (as a
    login gives one), so `ssh -t`, `docker -it` and the console's shells see a real one."""
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)


class PtyApp:
    """ARGS for `python -m swarmtui`, or PROGRAM (a whole command line) run instead; ENV is
    laid over the current environment."""

    def __init__(
        self,
        args: Sequence[str] = (),
        cols: int = 120,
        rows: int = 40,
        *,
        program: Sequence[str] = (),
        env: Mapping[str, str] | None = None,
    ) -> None:
        self.master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        environment = dict(os.environ, TERM="xterm-256color", COLORTERM="", PYTHONUNBUFFERED="1")
        environment.update(env or {})
        argv = list(program) or [sys.executable, "-m", "swarmtui", *args]
        self.started = time.monotonic()
        self.process = subprocess.Popen(
            argv,
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=environment,
            start_new_session=True,
            preexec_fn=_take_terminal,
            close_fds=True,
        )
        os.close(slave)
        self._chunks: list[tuple[float, bytes]] = []
        self._lock = threading.Lock()
        # The screen, fed from the chunks when someone waits (the reader keeps up with a
        # flood that way): after which chunk it showed what, each time it changed.
        self._screen = pyte.Screen(cols, rows)
        self._stream = pyte.ByteStream(self._screen)
        self._fed = 0
        self._shown: list[tuple[float, str]] = []
        self._screen_lock = threading.Lock()
        self._closed = False
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        while not self._closed:
            ready, _, _ = select.select([self.master], [], [], 0.2)
            if not ready:
                continue
            try:
                data = os.read(self.master, 65536)
            except OSError:
                return
            if not data:
                return
            with self._lock:
                self._chunks.append((time.monotonic(), data))

    def bytes_between(self, start: float, end: float) -> int:
        with self._lock:
            return sum(len(d) for t, d in self._chunks if start <= t < end)

    def last_output(self, since: float) -> float | None:
        """Monotonic time of the newest output chunk after SINCE; None: nothing since."""
        with self._lock:
            return max((t for t, _ in self._chunks if t >= since), default=None)

    def text_since(self, start: float) -> str:
        with self._lock:
            data = b"".join(d for t, d in self._chunks if t >= start)
        return ANSI_RE.sub(b"", data).decode("utf-8", "replace")

    def must_show(
        self, text: str | re.Pattern[str], since: float, timeout: float, what: str = ""
    ) -> float:
        """wait_for, raising (with the end of the output) when TEXT never shows."""
        seen = self.wait_for(text, since, timeout)
        if seen is None:
            tail = self.text_since(since)[-2000:]
            raise RuntimeError(
                f"swarmtui never showed {what or text!r} within {timeout:.0f} s:\n{tail}"
            )
        return seen

    def _screens_since(self, start: int) -> list[tuple[float, str]]:
        """The screens from index START of the ones shown, the chunks read so far fed."""
        with self._screen_lock:
            with self._lock:
                chunks = self._chunks[self._fed :]
                self._fed += len(chunks)
            for stamp, data in chunks:
                self._stream.feed(data)
                screen = "\n".join(self._screen.display)
                if not self._shown or self._shown[-1][1] != screen:
                    self._shown.append((stamp, screen))
            return self._shown[start:]

    def wait_for(self, text: str | re.Pattern[str], since: float, timeout: float) -> float | None:
        """Monotonic time of the first output chunk after SINCE after which the screen shows
        TEXT (or a match of the pattern TEXT)."""

        def found(seen: str) -> bool:
            return bool(text.search(seen)) if isinstance(text, re.Pattern) else text in seen

        deadline = time.monotonic() + timeout
        with self._screen_lock:
            index = bisect_left(self._shown, since, key=lambda shown: shown[0])
        while time.monotonic() < deadline:
            for stamp, screen in self._screens_since(index):
                index += 1
                if stamp >= since and found(screen):
                    return stamp
            time.sleep(0.01)
        return None

    def send(self, keys: bytes) -> None:
        os.write(self.master, keys)

    def cpu_seconds(self) -> float:
        with open(f"/proc/{self.process.pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / CLK_TCK

    def peak_rss_mb(self) -> float:
        with open(f"/proc/{self.process.pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
        return 0.0

    def close(self) -> None:
        if self.process.poll() is None:
            self.send(b"q")
            try:
                self.process.wait(5)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(5)
        self._closed = True
        self._reader.join(2)
        os.close(self.master)
