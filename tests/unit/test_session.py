"""The session's rules, on the demo backend (no Docker, no Textual): how it connects, that
every write goes through it with read-only mode and the journal, and what it tells its
subscribers."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest

from swarmtui.actions.operations import OperationRefused, demote, scale_service
from swarmtui.core.config import Config
from swarmtui.core.errors import BackendError, ProblemKind
from swarmtui.demo.cluster import DEMO_NOW, DemoBackend
from swarmtui.demo.machines import DemoMachineService
from swarmtui.machines.model import DockerMissing, MachineError
from swarmtui.session.model import SessionChange, SnapshotChanged, SyncChanged
from swarmtui.session.session import Connected, NeedsSwarm, Session, Unavailable


def session_on(backend: DemoBackend, read_only: bool = False) -> Session:
    config = Config(path=None, read_only=read_only)
    return Session(lambda: backend, config, clock=lambda: DEMO_NOW)


def connected(backend: DemoBackend, read_only: bool = False) -> Session:
    session = session_on(backend, read_only)
    assert isinstance(session.connect(), Connected)
    return session


def test_connect_tells_a_manager_a_new_engine_and_a_worker_apart() -> None:
    assert isinstance(session_on(DemoBackend()).connect(), Connected)
    outcome = session_on(DemoBackend(swarm_state="inactive")).connect()
    assert isinstance(outcome, NeedsSwarm) and outcome.endpoint == "tcp://127.0.0.1:2375"
    outcome = session_on(DemoBackend(is_manager=False)).connect()
    assert isinstance(outcome, Unavailable)
    assert outcome.error.kind is ProblemKind.NOT_A_MANAGER
    down = BackendError(ProblemKind.UNREACHABLE, "no engine")
    outcome = session_on(DemoBackend(fail_with=down)).connect()
    assert isinstance(outcome, Unavailable) and outcome.error is down


def test_execute_runs_journals_and_refreshes() -> None:
    backend = DemoBackend()
    session = connected(backend)
    service = backend.services()[0]
    session.execute(scale_service(service, 5))
    assert backend.demo_mutator.calls == [("scale_service", (service.id, 5))]
    [entry] = session.journal.entries
    assert entry.ok and entry.command == f"docker service scale {service.name}=5"
    assert entry.at == DEMO_NOW


def test_a_failed_write_is_journalled_as_failed_and_raised(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    backend = DemoBackend()
    session = connected(backend)
    nodes = backend.nodes()
    manager = next(n for n in nodes if n.role == "manager")
    operation = demote(manager, [*nodes, manager])  # allowed by the rule, refused below

    def refuse(*args: object) -> None:
        raise BackendError(ProblemKind.ENGINE_ERROR, "engine said no")

    monkeypatch.setattr(backend.demo_mutator, "set_node_role", refuse)
    with pytest.raises(BackendError, match="engine said no"):
        session.execute(operation)
    [entry] = session.journal.entries
    assert not entry.ok and entry.result == "engine said no"


def test_read_only_refuses_every_write_and_changes_nothing() -> None:
    backend = DemoBackend()
    session = connected(backend, read_only=True)
    session.machines = DemoMachineService()
    service = backend.services()[0]
    with pytest.raises(OperationRefused, match="Read-only"):
        session.execute(scale_service(service, 5))
    with pytest.raises(OperationRefused):
        session.join_tokens()
    with pytest.raises(OperationRefused):
        session.create_swarm("10.0.0.1")
    with pytest.raises(OperationRefused):
        session.run_machine_task("swarmtui machine stop edge-1", lambda m: m.stop("edge-1", print))
    access = session.cluster_access()
    assert access is not None
    with pytest.raises(OperationRefused):
        access.run(scale_service(service, 5))
    assert backend.demo_mutator.calls == []
    assert backend.init_calls == []
    assert session.journal.entries == ()


def test_machine_work_is_journalled_by_the_session_questions_are_not() -> None:
    session = connected(DemoBackend())
    session.machines = DemoMachineService()

    def fails(service: object) -> None:
        raise MachineError("x is not known", "swarmtui machine ls")

    def asks(service: object) -> None:
        raise DockerMissing("host", "Debian", "apt-get install docker.io")

    with pytest.raises(MachineError):
        session.run_machine_task("swarmtui machine rm x", fails)
    with pytest.raises(DockerMissing):
        session.run_machine_task(
            "swarmtui machine create x", asks, asks=lambda e: isinstance(e, DockerMissing)
        )
    session.run_machine_task("swarmtui machine ls", lambda m: m.list_machines())
    entries = [(e.command, e.ok, e.result) for e in session.journal.entries]
    assert entries == [
        ("swarmtui machine rm x", False, "x is not known"),
        ("swarmtui machine ls", True, "ok"),
    ]


def test_no_machine_service_is_said_plainly() -> None:
    session = connected(DemoBackend())
    with pytest.raises(OperationRefused, match="not available"):
        session.run_machine_task("swarmtui machine ls", lambda m: m.list_machines())


def test_create_swarm_is_a_journalled_write() -> None:
    backend = DemoBackend(swarm_state="inactive")
    session = session_on(backend)
    assert isinstance(session.connect(), NeedsSwarm)
    session.create_swarm("10.0.0.5")
    assert backend.init_calls == ["10.0.0.5"]
    [entry] = session.journal.entries
    assert entry.command == "docker swarm init --advertise-addr 10.0.0.5" and entry.ok


def test_subscribers_get_the_state_so_far_then_every_change() -> None:
    session = connected(DemoBackend())
    seen: list[SessionChange] = []
    loops = dict(session.sync_loops())
    assert set(loops) == {"poll-loop", "event-pump"}
    poll = threading.Thread(target=loops["poll-loop"], daemon=True)
    poll.start()
    try:
        deadline = datetime.now(UTC).timestamp() + 20
        while session.model.snapshot is None and datetime.now(UTC).timestamp() < deadline:
            threading.Event().wait(0.02)
        assert session.model.snapshot is not None
        unsubscribe = session.model.subscribe(seen.append)
        assert isinstance(seen[0], SnapshotChanged)  # replayed: it came before we did
        assert isinstance(seen[1], SyncChanged)
        unsubscribe()
        session.model.set_events_connected(True)
        assert len(seen) == 2  # unsubscribed: nothing more
    finally:
        session.close()
        poll.join(timeout=10)
    assert not poll.is_alive(), "close() ends the poll loop"
    assert not session.connected
