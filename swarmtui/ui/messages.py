"""Messages that worker threads post to the app."""

from __future__ import annotations

from textual.message import Message

from swarmtui.core.errors import BackendError
from swarmtui.core.models import ClusterSnapshot


class SnapshotUpdated(Message):
    def __init__(self, snapshot: ClusterSnapshot) -> None:
        super().__init__()
        self.snapshot = snapshot


class SyncProblem(Message):
    """A refresh failed (error) or recovered (None)."""

    def __init__(self, error: BackendError | None) -> None:
        super().__init__()
        self.error = error


class EventsState(Message):
    def __init__(self, connected: bool) -> None:
        super().__init__()
        self.connected = connected


class ManagerSwitched(Message):
    """Failover: the console now talks to another manager. ELECTING: the lost one was the
    leader and the managers left make a quorum, so they are electing a new one."""

    def __init__(self, old: str, new: str, electing: bool = False) -> None:
        super().__init__()
        self.old = old
        self.new = new
        self.electing = electing
