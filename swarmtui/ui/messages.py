"""What the session tells the screens that subscribe to it, as Textual messages.

The session calls its listeners on its own threads; `post_message` hands the change to the
screen's thread. A newer snapshot or sync state replaces one still waiting in the queue.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message

from swarmtui.core.errors import BackendError
from swarmtui.core.models import ClusterSnapshot
from swarmtui.core.usage import UsageReport
from swarmtui.session.model import ManagerSwitched, SessionChange, SnapshotChanged, SyncChanged


@dataclass
class SnapshotUpdated(Message):
    snapshot: ClusterSnapshot

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, SnapshotUpdated)


@dataclass
class SyncStateUpdated(Message):
    """A refresh failed (error) or recovered (None), or the event stream came or went."""

    error: BackendError | None
    events_connected: bool

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, SyncStateUpdated)


@dataclass
class ManagerChanged(Message):
    """Failover moved the session to another manager (ELECTING: a leader is being elected)."""

    old: str
    new: str
    electing: bool


@dataclass
class UsageUpdated(Message):
    """A round of the usage sampler ended (from its thread)."""

    report: UsageReport

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, UsageUpdated)


@dataclass
class ReconnectRequested(Message):
    """Connect again (from a worker thread too): the engine answers now, or became a swarm."""


def message_for(change: SessionChange) -> Message:
    if isinstance(change, SnapshotChanged):
        return SnapshotUpdated(change.snapshot)
    if isinstance(change, SyncChanged):
        return SyncStateUpdated(change.error, change.events_connected)
    assert isinstance(change, ManagerSwitched)
    return ManagerChanged(change.old, change.new, change.electing)
