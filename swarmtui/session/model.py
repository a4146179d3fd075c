"""What the session knows about the swarm and its own sync, for whoever shows it.

Listeners subscribe and are called on the session's threads with one SessionChange at a
time; a UI hands each change over to its own thread (Textual: `post_message`).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass

from swarmtui.core.errors import BackendError
from swarmtui.core.models import ClusterSnapshot
from swarmtui.session.event_ring import EventRing


@dataclass(frozen=True)
class SnapshotChanged:
    snapshot: ClusterSnapshot


@dataclass(frozen=True)
class SyncChanged:
    """A refresh failed (error) or recovered (None), or the event stream came or went."""

    error: BackendError | None
    events_connected: bool


@dataclass(frozen=True)
class ManagerSwitched:
    """Failover: the session now talks to another manager. ELECTING: the lost one was the
    leader and the managers left make a quorum, so they are electing a new one."""

    old: str
    new: str
    electing: bool = False


SessionChange = SnapshotChanged | SyncChanged | ManagerSwitched
Listener = Callable[[SessionChange], None]


class SessionModel:
    """The latest snapshot and sync state, and who wants to hear when they change."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._listeners: list[Listener] = []
        self._snapshot: ClusterSnapshot | None = None
        self._error: BackendError | None = None
        self._events_connected = False
        self.events = EventRing()  # the recent swarm events, for the events view

    @property
    def snapshot(self) -> ClusterSnapshot | None:
        return self._snapshot

    @property
    def error(self) -> BackendError | None:
        return self._error

    @property
    def events_connected(self) -> bool:
        return self._events_connected

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Call LISTENER with the state so far, then on every change; returns what
        unsubscribes it. (The sync may have published before the listener came.)"""
        with self._lock:
            self._listeners.append(listener)
        if self._snapshot is not None:
            listener(SnapshotChanged(self._snapshot))
        listener(SyncChanged(self._error, self._events_connected))

        def unsubscribe() -> None:
            with self._lock:
                if listener in self._listeners:
                    self._listeners.remove(listener)

        return unsubscribe

    def publish_snapshot(self, snapshot: ClusterSnapshot) -> None:
        self._snapshot = snapshot
        self._tell(SnapshotChanged(snapshot))

    def set_error(self, error: BackendError | None) -> None:
        self._error = error
        self._tell(SyncChanged(error, self._events_connected))

    def set_events_connected(self, connected: bool) -> None:
        self._events_connected = connected
        self._tell(SyncChanged(self._error, connected))

    def switched(self, change: ManagerSwitched, error: BackendError | None) -> None:
        self._error = error
        self._tell(change)

    def _tell(self, change: SessionChange) -> None:
        with self._lock:
            listeners = list(self._listeners)
        for listener in listeners:
            listener(change)
