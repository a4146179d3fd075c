"""How far back a log view starts: a tail of lines, or a time window."""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_TAIL = 200


@dataclass(frozen=True)
class LogWindow:
    key: str  # "tail", "1m", "5m", "15m", "1h", "all"
    label: str
    tail: int | None = None  # lines per task; None: as many as the buffer holds
    since_seconds: int | None = None

    def since_ns(self, now_ns: int) -> int | None:
        if self.since_seconds is None:
            return None
        return now_ns - self.since_seconds * 1_000_000_000


WINDOWS: tuple[LogWindow, ...] = (
    LogWindow("tail", f"last {DEFAULT_TAIL} lines", tail=DEFAULT_TAIL),
    LogWindow("1m", "since 1m", since_seconds=60),
    LogWindow("5m", "since 5m", since_seconds=300),
    LogWindow("15m", "since 15m", since_seconds=900),
    LogWindow("1h", "since 1h", since_seconds=3600),
    LogWindow("all", "all"),
)


def window_named(key: str) -> LogWindow:
    return next(w for w in WINDOWS if w.key == key)
