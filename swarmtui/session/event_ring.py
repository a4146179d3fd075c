"""The recent swarm events the session has seen: a bounded ring the events view reads.

The event pump adds every event it receives (the history the engine still held when the
stream opened, then the live ones); an event seen twice (a resubscription replays from the
last one seen) is kept once.
"""

from __future__ import annotations

import threading
from collections import deque

from swarmtui.core.models import SwarmEvent

RING_SIZE = 1000


def _identity(event: SwarmEvent) -> tuple[int, str, str, str]:
    return (event.time_nano, event.type, event.actor_id, event.action)


class EventRing:
    def __init__(self, size: int = RING_SIZE) -> None:
        self._lock = threading.Lock()
        self._events: deque[SwarmEvent] = deque(maxlen=size)
        self._seen: set[tuple[int, str, str, str]] = set()
        self._added = 0  # ever added: what a reader compares to know whether to reload

    @property
    def added(self) -> int:
        return self._added

    @property
    def last_time_nano(self) -> int | None:
        with self._lock:
            return self._events[-1].time_nano if self._events else None

    def add(self, event: SwarmEvent) -> bool:
        """Keep EVENT unless it is already here; whether it was new."""
        key = _identity(event)
        with self._lock:
            if key in self._seen:
                return False
            if len(self._events) == self._events.maxlen:
                self._seen.discard(_identity(self._events[0]))
            self._events.append(event)
            self._seen.add(key)
            self._added += 1
            return True

    def events(self) -> list[SwarmEvent]:
        """Oldest first."""
        with self._lock:
            return list(self._events)

    def clear(self) -> None:
        """Another swarm (a context switch): its events are not these."""
        with self._lock:
            self._events.clear()
            self._seen.clear()
            self._added += 1
