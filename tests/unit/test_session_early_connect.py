"""Session.connect_early: the console opens the manager and fetches the first snapshot while
its UI loads; the first `connect` takes that result (demo backend, no Docker)."""

from __future__ import annotations

import threading
from typing import Any

from swarmtui.core.config import Config
from swarmtui.core.errors import BackendError, ProblemKind
from swarmtui.demo.cluster import DEMO_NOW, DemoBackend
from swarmtui.session.model import SessionChange, SnapshotChanged
from swarmtui.session.session import Connected, NeedsSwarm, Session, Unavailable

DEADLINE = 30.0  # generous: a busy machine


class CountedDemo(DemoBackend):
    """The demo cluster, telling how often it was opened and whether it was closed."""

    def __init__(self, **staging: Any) -> None:
        super().__init__(**staging)
        self.closed = threading.Event()

    def close(self) -> None:
        self.closed.set()


def session_opening(backend: CountedDemo, opened: list[int]) -> Session:
    def connector() -> CountedDemo:
        opened.append(1)
        return backend

    return Session(connector, Config(path=None), clock=lambda: DEMO_NOW)


def test_the_first_connect_takes_what_was_opened_early() -> None:
    backend, opened = CountedDemo(), list[int]()
    session = session_opening(backend, opened)
    session.connect_early()
    assert isinstance(session.connect(), Connected)
    assert opened == [1]
    assert session.refresher is not None and session.refresher.last_snapshot is not None
    session.close()
    assert isinstance(session.connect(), Connected)  # a reconnect opens anew
    assert opened == [1, 1]
    session.close()


def test_the_poll_loop_publishes_the_early_snapshot_first() -> None:
    backend = CountedDemo()
    session = session_opening(backend, [])
    session.connect_early()
    assert isinstance(session.connect(), Connected)
    shown = threading.Event()
    snapshots: list[SnapshotChanged] = []

    def changed(change: SessionChange) -> None:
        if isinstance(change, SnapshotChanged):
            snapshots.append(change)
            shown.set()

    session.model.subscribe(changed)
    poll = dict(session.sync_loops())["poll-loop"]
    thread = threading.Thread(target=poll)
    thread.start()
    try:
        assert shown.wait(DEADLINE)
    finally:
        session.close()
        thread.join(DEADLINE)
    assert not thread.is_alive()
    first = snapshots[0].snapshot
    assert {n.hostname for n in first.nodes} == {n.hostname for n in backend.nodes()}
    assert {s.name for s in first.services} == {s.name for s in backend.services()}


def test_early_outcomes_are_the_plain_ones() -> None:
    outcome = session_opening(CountedDemo(swarm_state="inactive"), [])
    outcome.connect_early()
    assert isinstance(outcome.connect(), NeedsSwarm)
    worker = session_opening(CountedDemo(is_manager=False), [])
    worker.connect_early()
    refused = worker.connect()
    assert isinstance(refused, Unavailable) and refused.error.kind is ProblemKind.NOT_A_MANAGER
    down = BackendError(ProblemKind.UNREACHABLE, "no engine")
    failing = session_opening(CountedDemo(fail_with=down), [])
    failing.connect_early()
    unavailable = failing.connect()
    assert isinstance(unavailable, Unavailable) and unavailable.error is down


def test_closed_before_connecting_the_early_connection_is_closed() -> None:
    backend = CountedDemo()
    session = session_opening(backend, [])
    session.connect_early()
    session.close()  # the console quit before its first connect
    assert backend.closed.wait(DEADLINE)
