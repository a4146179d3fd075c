"""Read timeouts for the list calls of a poll, sized by what each list last cost.

A healthy manager answers a small swarm's lists in well under a second, and a dead one over
tcp (no RST from a vanished host) must not stall failover: the floor stays short. But the
engine writes nothing until it has built a whole list, and 5,000 services or 50,000 tasks
take it seconds: a fixed short timeout would fail every poll of a big swarm. So each list
gets a few times what its last answer took (or what its size takes at a slow pace), and a
list that timed out gets twice as long the next time, up to a cap. A list never answered
yet gets the cap: its size is unknown, and the manager has just answered the connection.
"""

from __future__ import annotations

import threading

MARGIN = 3.0  # times the last answer's time
SLOW_BYTES_PER_SECOND = 1_000_000  # a loaded manager builds and sends a list at least this fast


class ListTimeouts:
    """The read timeout of each list (by key, e.g. its path and filters), between FLOOR
    (what any list may take) and CAP (seconds)."""

    def __init__(self, floor: float, cap: float) -> None:
        self.floor = floor
        self.cap = cap
        self._lock = threading.Lock()
        self._timeouts: dict[str, float] = {}

    def timeout(self, key: str) -> float:
        with self._lock:
            return self._timeouts.get(key, self.cap)

    def answered(self, key: str, seconds: float, size: int) -> None:
        """KEY's list came in SECONDS with SIZE bytes: its next timeout follows from both."""
        needed = max(MARGIN * seconds, MARGIN * size / SLOW_BYTES_PER_SECOND)
        self._set(key, needed)

    def timed_out(self, key: str) -> None:
        """KEY's list did not come in time: twice as long the next time."""
        self._set(key, 2 * self.timeout(key))

    def _set(self, key: str, seconds: float) -> None:
        with self._lock:
            self._timeouts[key] = min(self.cap, max(self.floor, seconds))
