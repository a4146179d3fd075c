"""Session.connect_early with a first look: a reader that can only list (the console's over a
local socket, without docker-py) fetches the first snapshot; the first screen publishes it as
it mounts; `connect` opens the real backend once that is painted and the sync goes on with
it (demo backend, no Docker)."""

from __future__ import annotations

import threading
from dataclasses import replace
from typing import Any

from swarmtui.core.config import Config
from swarmtui.core.models import EngineInfo, Node, ScopeKind, Service, Task, TaskScope
from swarmtui.demo.cluster import DEMO_NOW, DemoBackend
from swarmtui.session.model import SessionChange, SnapshotChanged
from swarmtui.session.session import Connected, Session

DEADLINE = 30.0  # generous: a busy machine


class Lists:
    """Only what ClusterLists has, over the demo cluster; counts its reads."""

    def __init__(self, **staging: Any) -> None:
        self._demo = DemoBackend(**staging)
        self.reads: list[str] = []
        self.closed = False

    @property
    def endpoint_display(self) -> str:
        return self._demo.endpoint_display

    def engine_info(self) -> EngineInfo:
        self.reads.append("info")
        return self._demo.engine_info()

    def nodes(self) -> list[Node]:
        self.reads.append("nodes")
        return self._demo.nodes()

    def services(self) -> list[Service]:
        self.reads.append("services")
        return self._demo.services()

    def tasks(self, scope: TaskScope) -> list[Task]:
        self.reads.append("tasks")
        return self._demo.tasks(scope)

    def close(self) -> None:
        self.closed = True


class Opened:
    """The connector: a demo backend, and when it was opened."""

    def __init__(self) -> None:
        self.backend = DemoBackend()
        self.opened = threading.Event()

    def __call__(self) -> DemoBackend:
        self.opened.set()
        return self.backend


def snapshots_of(session: Session) -> list[SnapshotChanged]:
    seen: list[SnapshotChanged] = []

    def changed(change: SessionChange) -> None:
        if isinstance(change, SnapshotChanged):
            seen.append(change)

    session.model.subscribe(changed)
    return seen


def early_session(look: Lists, connector: Opened) -> Session:
    session = Session(connector, Config(path=None), clock=lambda: DEMO_NOW)
    session.connect_early(lambda: look)
    return session


def wait_published(session: Session) -> None:
    """What the first screen does as it mounts, once the early snapshot is there."""
    done = threading.Event()
    for _ in range(int(DEADLINE / 0.01)):
        if session.publish_early_snapshot():
            done.set()
            break
        done.wait(0.01)
    assert done.is_set()


def test_the_first_look_snapshot_shows_before_the_backend_is_opened() -> None:
    look, connector = Lists(), Opened()
    session = early_session(look, connector)
    published = snapshots_of(session)
    wait_published(session)
    assert set(look.reads) == {"info", "nodes", "services"}  # the tasks wait for a scope
    first = published[0].snapshot
    assert {n.hostname for n in first.nodes} == {n.hostname for n in DemoBackend().nodes()}
    assert {s.name for s in first.services} == {s.name for s in DemoBackend().services()}
    assert not session.publish_early_snapshot()  # once
    outcome: list[object] = []
    connecting = threading.Thread(target=lambda: outcome.append(session.connect()))
    connecting.start()
    # connect waits for the paint before it opens the backend (docker-py would load)
    assert not connector.opened.wait(0.3)
    session.first_snapshot_painted()
    connecting.join(DEADLINE)
    assert isinstance(outcome[0], Connected) and look.closed
    assert session.backend() is connector.backend
    assert session.refresher is not None and session.refresher.backend is connector.backend
    session.close()


def test_the_sync_goes_on_with_the_backend_and_publishes_no_snapshot_twice() -> None:
    look, connector = Lists(), Opened()
    session = early_session(look, connector)
    wait_published(session)
    session.first_snapshot_painted()
    assert isinstance(session.connect(), Connected)
    published = snapshots_of(session)
    published.clear()  # the subscription's replay of the snapshot shown
    refresher = session.refresher
    assert refresher is not None
    first = refresher.last_snapshot
    poll = dict(session.sync_loops())["poll-loop"]
    thread = threading.Thread(target=poll)
    thread.start()
    try:
        # the backend's first refresh reads everything again (as after any change of
        # manager): the same swarm, so no new snapshot
        for _ in range(int(DEADLINE / 0.05)):
            if connector.backend.request_count >= 3:
                break
            threading.Event().wait(0.05)
    finally:
        session.close()
        thread.join(DEADLINE)
    assert connector.backend.request_count >= 3
    assert refresher.last_snapshot is first
    assert published == []


def test_unpublished_the_early_snapshot_is_handed_over_by_the_poll_loop() -> None:
    look, connector = Lists(), Opened()
    session = early_session(look, connector)
    session.first_snapshot_painted()  # the first screen came before the first look
    assert isinstance(session.connect(), Connected)
    published = snapshots_of(session)
    poll = dict(session.sync_loops())["poll-loop"]
    thread = threading.Thread(target=poll)
    thread.start()
    try:
        for _ in range(int(DEADLINE / 0.05)):
            if published:
                break
            threading.Event().wait(0.05)
    finally:
        session.close()
        thread.join(DEADLINE)
    assert published and published[0].snapshot.engine.name == DemoBackend().engine_info().name


def test_a_failing_or_swarmless_first_look_opens_the_backend_early() -> None:
    def failing() -> Lists:
        raise OSError("no socket")

    for first_look in (failing, lambda: Lists(swarm_state="inactive")):
        connector = Opened()
        session = Session(connector, Config(path=None), clock=lambda: DEMO_NOW)
        session.connect_early(first_look)
        assert connector.opened.wait(DEADLINE)  # by the early thread, without waiting
        session.close()


def test_the_scope_chosen_on_the_early_snapshot_reaches_the_sync() -> None:
    look, connector = Lists(), Opened()
    session = early_session(look, connector)
    wait_published(session)
    service = DemoBackend().services()[0]
    scope = TaskScope(ScopeKind.SERVICE, service.id, service.name)
    session.set_task_scope(scope)  # the tasks pane, before `connect`
    session.first_snapshot_painted()
    assert isinstance(session.connect(), Connected)
    assert session.refresher is not None and session.refresher.scope == scope
    later = replace(scope, history=True)
    session.set_task_scope(later)  # once synced: straight to the refresher
    assert session.refresher.scope == later
    session.close()


def test_node_checks_wait_for_connect_when_the_early_snapshot_shows_first() -> None:
    look, connector = Lists(), Opened()
    session = early_session(look, connector)
    wait_published(session)
    waited = threading.Event()

    def check() -> None:
        session._wait_for_connect()  # what NodeReachability.check does first
        waited.set()

    threading.Thread(target=check, daemon=True).start()
    assert not waited.wait(0.3)  # the routes name the manager in use: not known yet
    session.first_snapshot_painted()
    assert isinstance(session.connect(), Connected)
    assert waited.wait(DEADLINE)
    session.close()


def test_a_read_or_write_asked_for_before_connect_waits_for_the_manager() -> None:
    """A key pressed the moment the first look's data appeared reaches the manager once
    `connect` has opened it, rather than failing with "Not connected"."""
    look, connector = Lists(), Opened()
    session = early_session(look, connector)
    wait_published(session)
    answers: list[object] = []
    asking = threading.Thread(target=lambda: answers.append(session.backend()))
    asking.start()
    asking.join(0.3)
    assert asking.is_alive() and not answers  # waits while connect has not run
    connecting = threading.Thread(target=session.connect)
    connecting.start()
    session.first_snapshot_painted()
    asking.join(DEADLINE)
    connecting.join(DEADLINE)
    assert answers == [connector.backend]
    session.close()


def test_a_first_screen_mounting_after_connect_publishes_nothing_and_keeps_the_sync() -> None:
    """`connect` took the early snapshot before the first screen mounted: the screen's late
    publish is refused, so the tasks scope still reaches the sync and nothing waits."""
    connector = Opened()
    session = Session(connector, Config(path=None), clock=lambda: DEMO_NOW)
    session.connect_early()
    assert isinstance(session.connect(), Connected)
    assert not session.publish_early_snapshot()
    service = DemoBackend().services()[0]
    scope = TaskScope(ScopeKind.SERVICE, service.id, service.name, history=True)
    session.set_task_scope(scope)
    assert session.refresher is not None and session.refresher.scope == scope
    answers: list[object] = []
    asking = threading.Thread(target=lambda: answers.append(session.backend()))
    asking.start()
    asking.join(1.0)
    assert answers == [connector.backend]
    session.close()
