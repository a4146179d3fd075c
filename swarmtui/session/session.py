"""The session: the one owner of the connection to the swarm.

It opens the manager, runs the sync (poll loop and event pump, on threads its UI gives it),
fails over to another manager, and is the only way to write: every operation, machine
work included, goes through `execute` or `run_machine_task`, which apply read-only mode and
keep the journal. Nothing here knows about Textual.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING, TypeVar, cast

from swarmtui.actions.journal import Journal
from swarmtui.actions.operations import Operation, OperationRefused, init_swarm_command
from swarmtui.actions.read_only import refuse_when_read_only
from swarmtui.core.addresses import default_advertise_address
from swarmtui.core.config import Config
from swarmtui.core.contexts import ContextChoice, config_host_choices, docker_contexts
from swarmtui.core.endpoints import Endpoint
from swarmtui.core.errors import BackendError, ProblemKind
from swarmtui.core.models import ClusterSnapshot, EngineInfo, Node, Task, TaskScope
from swarmtui.machines.cluster_access import ClusterAccess
from swarmtui.machines.contexts import machine_choices
from swarmtui.machines.model import MachineRecord
from swarmtui.machines.service import MachineService
from swarmtui.nodes.routes import NodeAccess
from swarmtui.ports import ClusterBackend, ClusterLists
from swarmtui.session.cluster_access import BackendAccess
from swarmtui.session.failover import Failover, FailoverPlan, ManagerDirectory, electing_error
from swarmtui.session.failures import failure_text
from swarmtui.session.loops import EventPump, run_poll_loop
from swarmtui.session.model import ManagerSwitched, SessionModel
from swarmtui.session.node_reach import NodeReachability
from swarmtui.session.refresher import PartialRefresh, Refresher, RefreshTimings
from swarmtui.session.shells import NodeConnector, Shells
from swarmtui.session.usage_sampler import UsageSampler

if TYPE_CHECKING:  # imported where used: the first screen needs none of them
    from swarmtui.actions.service_edit.form import SwarmNames
    from swarmtui.session.why import TaskDiagnosis
    from swarmtui.stacks.deploy import StackContents
    from swarmtui.stacks.export import LiveStack

T = TypeVar("T")
Connector = Callable[[], ClusterBackend]
FirstLookOpener = Callable[[], ClusterLists]
# How long `connect` lets the UI paint the first look's snapshot before it opens the backend
# for good (the UI says when it is painted: see first_snapshot_painted).
FIRST_PAINT_WAIT = 2.0
CONNECT_WAIT = 60.0  # what the node checks wait for it, at most
SyncLoop = tuple[str, Callable[[], None]]


@dataclass(frozen=True)
class Connected:
    """A swarm manager answers: the sync can start."""

    endpoint: str


@dataclass(frozen=True)
class NeedsSwarm:
    """The engine answers but is in no swarm: offer to initialise one."""

    endpoint: str
    advertise_address: str


@dataclass(frozen=True)
class Unavailable:
    error: BackendError


@dataclass(frozen=True)
class _Opened:
    """A manager opened, and for a swarm manager its first snapshot fetched (None when that
    failed: the poll loop fetches again and reports). FIRST_LOOK: BACKEND only read that
    snapshot (see connect_early); `connect` opens the real one."""

    backend: ClusterBackend
    info: EngineInfo
    refresher: Refresher | None = None
    snapshot: ClusterSnapshot | None = None
    first_look: bool = False


def _close_opened(opening: Future[_Opened]) -> None:
    if opening.exception() is None:
        opening.result().backend.close()


ConnectOutcome = Connected | NeedsSwarm | Unavailable


class Session:
    """One connection to a swarm, its sync, its journal and the only way to write to it."""

    def __init__(
        self,
        connector: Connector,
        config: Config | None = None,
        *,
        endpoint_label: str = "",
        clock: Callable[[], datetime] | None = None,
        startup_error: BackendError | None = None,
        failover: FailoverPlan | None = None,
        machines: MachineService | None = None,
    ) -> None:
        self.config = config or Config()
        self.endpoint_label = endpoint_label
        self.startup_error = startup_error
        self.journal = Journal()
        self.model = SessionModel()
        self._connector = connector
        self._clock = clock or (lambda: datetime.now(UTC))
        self._failover_plan = failover
        self._failover: Failover | None = None
        self._directory: ManagerDirectory | None = None
        self._backend: ClusterBackend | None = None
        self._refresher: Refresher | None = None
        self._pump: EventPump | None = None
        self._stop = threading.Event()
        self._early: Future[_Opened] | None = None  # see connect_early
        self._first_snapshot: ClusterSnapshot | None = None
        self._published_early: ClusterSnapshot | None = None  # see publish_early_snapshot
        # Guards the early opening (the first screen publishes it, or `connect` takes it) and
        # the tasks scope the UI chose for the early snapshot before `connect`.
        self._scope_lock = threading.Lock()
        self._shown_before_connect = False
        self._scope_before_connect: TaskScope | None = None
        # Cleared while the early snapshot is shown and `connect` has not opened the manager
        # for good (the node routes name the manager in use).
        self._connect_done = threading.Event()
        self._connect_done.set()
        self._first_painted = threading.Event()
        self._access = BackendAccess(self.backend, lambda: self.read_only)
        # None: no machine management in this console (the demo without machines, tests).
        # A real one reaches the swarm through this session's `cluster_access`.
        self.machines = machines
        # Shells in tasks and on nodes, and their CPU and memory, through the nodes' own
        # engines: see enable_node_access.
        self.node_access: NodeAccess | None = None
        self.node_connector: NodeConnector | None = None
        self.shells = Shells(self.config, self.journal, self.now, None, None)
        self.reachability: NodeReachability | None = None
        self.usage = UsageSampler(self._known_nodes, self._running_tasks)
        # The context the header names ("" when started on a host given by flag or config);
        # see `switch_to`. The machines whose swarms the context picker offers.
        self.context_name = ""
        self.machine_records: Callable[[], list[MachineRecord]] | None = None

    # Clock and state ----------------------------------------------------------------------

    def now(self) -> datetime:
        return self._clock()

    @property
    def read_only(self) -> bool:
        config = self.config
        return config.read_only or (
            bool(self.context_name) and self.context_name in config.read_only_contexts
        )

    @property
    def connected(self) -> bool:
        return self._in_use() is not None

    def _in_use(self) -> ClusterBackend | None:
        """The manager in use: the refresher's once syncing (a failover replaces it there),
        else the one `connect` opened."""
        return self._refresher.backend if self._refresher is not None else self._backend

    @property
    def refresher(self) -> Refresher | None:
        """The sync's refresher (benchmarks and tests read its counters); None until synced."""
        return self._refresher

    def poll_interval(self) -> float:
        """Seconds between two polls when nothing moves: the configured refresh interval,
        longer on a swarm whose services take long to list."""
        refresher = self._refresher
        if refresher is None:
            return self.config.refresh_interval
        return refresher.steady_poll_interval()

    def seconds_since_success(self) -> float | None:
        refresher = self._refresher
        if refresher is None or refresher.last_success is None:
            return None
        return max(0.0, refresher.seconds_since_success())

    # Connection -------------------------------------------------------------------------

    def connect_early(self, first_look: FirstLookOpener | None = None) -> None:
        """Open the manager and fetch the first snapshot on a thread now, while the console
        loads its UI: the next `connect` takes what it got instead of opening again.

        FIRST_LOOK: reads enough for that snapshot at less cost than the connector's backend
        (see adapters/docker/first_look.py); tried first, the connector's backend when it
        fails or finds no swarm manager."""
        opening: Future[_Opened] = Future()

        def run() -> None:
            try:
                opened = self._look_first(first_look) if first_look is not None else None
                opening.set_result(opened or self._open(first_snapshot=True))
            except BaseException as exc:
                opening.set_exception(exc)

        self._early = opening
        threading.Thread(target=run, name="early-connect", daemon=True).start()

    def _open(self, *, first_snapshot: bool = False) -> _Opened:
        backend = self._connector()
        info = backend.engine_info()
        if not (first_snapshot and info.swarm_state == "active" and info.is_manager):
            return _Opened(backend, info)
        refresher = self._new_refresher(backend)
        try:
            snapshot = refresher.refresh()
        except PartialRefresh as partly:  # the poll loop fetches the rest again
            snapshot = partly.snapshot
        except Exception:
            snapshot = None
        return _Opened(backend, info, refresher, snapshot)

    def _look_first(self, first_look: FirstLookOpener) -> _Opened | None:
        """A swarm manager's first snapshot through FIRST_LOOK; None for anything else."""
        try:
            look = first_look()
            info = look.engine_info()
            if not (info.swarm_state == "active" and info.is_manager):
                return None
            # The first refresh reads the engine and the lists only: what ClusterLists has.
            refresher = self._new_refresher(cast(ClusterBackend, look))
            snapshot = refresher.refresh()
        except Exception:
            return None
        return _Opened(cast(ClusterBackend, look), info, refresher, snapshot, first_look=True)

    def publish_early_snapshot(self) -> bool:
        """Publish the first snapshot connect_early fetched, if it is there already (the
        first screen calls this as it mounts: it shows without waiting for `connect`)."""
        with self._scope_lock:  # against `connect` taking it at the same moment
            early = self._early  # None: `connect` has taken it, and shows it
            if early is None or not early.done() or early.exception() is not None:
                return False
            snapshot = early.result().snapshot
            if snapshot is None or self._published_early is not None:
                return False
            self._published_early = snapshot
            self._shown_before_connect = True
            self._connect_done.clear()
        self._publish(snapshot)
        return True

    def first_snapshot_painted(self) -> None:
        """The UI painted its first snapshot (or has none to wait for): `connect` may now
        open the backend for good (docker-py's import would slow that paint down)."""
        self._first_painted.set()

    def _open_for_good(self, opened: _Opened) -> _Opened:
        """OPENED with the connector's backend in place of the first look's."""
        self._first_painted.wait(FIRST_PAINT_WAIT)
        opened.backend.close()
        backend = self._connector()
        assert opened.refresher is not None
        opened.refresher.replace_backend(backend)
        return replace(opened, backend=backend, first_look=False)

    def _wait_for_connect(self) -> None:
        """Until `connect` has opened the manager, when the early snapshot is shown before
        (bounded: a connect that never comes leaves the routes without it)."""
        self._connect_done.wait(CONNECT_WAIT)

    def _new_refresher(self, backend: ClusterBackend) -> Refresher:
        timings = RefreshTimings(poll_interval=self.config.refresh_interval)
        return Refresher(backend, timings, wallclock=self._clock)

    def connect(self) -> ConnectOutcome:
        """Open the manager (blocking, on a worker thread) and prepare the sync."""
        try:
            return self._connect()
        finally:
            self._connect_done.set()

    def _connect(self) -> ConnectOutcome:
        with self._scope_lock:
            # From here the early snapshot is this connect's to show: published after this
            # point, nothing would hand its tasks scope on or say that connect is done.
            early, self._early = self._early, None
        self.close()
        self._stop = threading.Event()
        try:
            opened = early.result() if early is not None else self._open()
            if opened.first_look:
                opened = self._open_for_good(opened)
            backend, info = opened.backend, opened.info
        except BackendError as exc:
            return Unavailable(exc)
        except Exception as exc:  # a bug or an unforeseen library error: still no traceback
            error = BackendError(ProblemKind.ENGINE_ERROR, f"{type(exc).__name__}: {exc}")
            return Unavailable(error)
        self._backend = backend
        endpoint = backend.endpoint_display
        if info.swarm_state != "active":
            return NeedsSwarm(endpoint, default_advertise_address(endpoint))
        if not info.is_manager:
            return Unavailable(
                BackendError(
                    ProblemKind.NOT_A_MANAGER,
                    f"{endpoint} is a swarm worker ({info.name}), not a manager.",
                    "Workers cannot see the cluster. Connect to a manager: swarmtui --host URL.",
                )
            )
        self._refresher = opened.refresher or self._new_refresher(backend)
        published = opened.snapshot is not None and opened.snapshot is self._published_early
        self._first_snapshot = None if published else opened.snapshot
        with self._scope_lock:
            scope, self._scope_before_connect = self._scope_before_connect, None
            self._shown_before_connect = False
            if scope is not None:
                self._refresher.set_scope(scope)
        events = self.model.events
        self._pump = EventPump(
            self._refresher,
            self.model.set_events_connected,
            events.add,
            lambda: events.last_time_nano,
            self._publish,
        )
        if self._failover_plan is not None:
            self._directory = ManagerDirectory(self._failover_plan.endpoints)
            self._failover = Failover(
                self._refresher,
                self._pump,
                self._directory,
                self._failover_plan.open_backend,
                self._switched,
            )
        return Connected(endpoint)

    def sync_loops(self) -> list[SyncLoop]:
        """The blocking loops to run on threads after `connect` succeeded: (name, loop)."""
        refresher, pump, stop = self._refresher, self._pump, self._stop
        if refresher is None or pump is None:
            return []
        failover = self._failover.handle if self._failover is not None else None
        first, self._first_snapshot = self._first_snapshot, None

        def poll() -> None:
            if first is not None:  # fetched by connect_early, unless the pump made a newer one
                refresher.hand_over(first, self._publish)
            run_poll_loop(refresher, stop, self._publish, self._report, failover)

        return [
            ("poll-loop", poll),
            ("event-pump", lambda: pump.run(stop)),
        ]

    def close(self) -> None:
        """End the sync loops, the usage sampling and the connection; `connect` may open it
        again (the screens then ask for usage again)."""
        with self._scope_lock:
            early, self._early = self._early, None
        if early is not None:  # never taken by `connect`: closed once opened
            early.add_done_callback(_close_opened)
        self._stop.set()
        self.usage.close()
        if self._refresher is not None:
            self._refresher.wake()  # the poll loop may sleep up to resync_interval
        if self._pump is not None:
            self._pump.close()
        backend = self._in_use()
        if backend is not None:
            backend.close()
        self._pump = None
        self._refresher = None
        self._backend = None

    def probe(self) -> bool:
        """Whether a manager answers now (blocking); nothing is kept."""
        try:
            backend = self._connector()
        except Exception:
            return False
        try:
            info = backend.engine_info()
        except Exception:
            return False
        finally:
            backend.close()
        return info.swarm_state == "active" and info.is_manager

    # Contexts ---------------------------------------------------------------------------

    def contexts(self) -> list[ContextChoice]:
        """Where the console can switch to (blocking: reads files, the machine store)."""
        choices = docker_contexts(os.environ) + config_host_choices(self.config.hosts)
        if self.machine_records is not None:
            # A broken machine store must not hide the contexts.
            with contextlib.suppress(Exception):
                choices += machine_choices(self.machine_records())
        return choices

    @property
    def can_switch(self) -> bool:
        return self._failover_plan is not None

    def switch_to(self, endpoint: Endpoint, name: str) -> None:
        """Talk to ENDPOINT (the context NAME) from now on: the sync stops here; `connect`
        then opens the new one (the console stays up). Its events are not the old swarm's.
        """
        plan = self._failover_plan
        if plan is None:
            raise OperationRefused("This console cannot connect elsewhere.")
        self.close()
        opener = plan.open_backend
        self._connector = lambda: opener(endpoint)
        self._failover_plan = FailoverPlan([endpoint], opener)
        self._directory = None
        self._failover = None
        self.endpoint_label = endpoint.display
        self.context_name = name
        self.model.events.clear()

    # Sync control -----------------------------------------------------------------------

    def refresh_now(self) -> None:
        if self._refresher is not None:
            self._refresher.request()

    def set_task_scope(self, scope: TaskScope) -> None:
        with self._scope_lock:
            if self._shown_before_connect:  # shown early, not synced yet: `connect` takes it
                self._scope_before_connect = scope
                return
            refresher = self._refresher
            if refresher is not None:
                refresher.set_scope(scope)

    def _publish(self, snapshot: ClusterSnapshot) -> None:
        if self._directory is not None:
            self._directory.learn(snapshot.nodes)
        self.model.publish_snapshot(snapshot)

    def _report(self, error: BackendError | None) -> None:
        self.model.set_error(error)

    def _switched(self, old: str, new: str, electing: bool) -> None:
        # Until the new manager answers (or says otherwise), the managers elect a leader.
        error = electing_error(new) if electing else self.model.error
        self.model.switched(ManagerSwitched(old, new, electing), error)

    # Reads ------------------------------------------------------------------------------

    def backend(self) -> ClusterBackend:
        """The backend of the manager in use (blocking callers only; it changes on failover)."""
        backend = self._in_use()
        if backend is None:
            # Shown from the first look, `connect` may be opening the manager right now: a
            # key pressed the moment the data appeared waits for it rather than failing.
            self._wait_for_connect()
            backend = self._in_use()
        if backend is None:
            raise BackendError(ProblemKind.UNREACHABLE, "Not connected.")
        return backend

    def read(self, call: Callable[[ClusterBackend], T]) -> T:
        """Run the read CALL on the manager in use (from a worker thread)."""
        return call(self.backend())

    def inspect_stack(self, stack: str) -> StackContents:
        """What STACK is made of on the swarm: what removing it would take away."""
        from swarmtui.stacks.deploy import stack_contents

        return stack_contents(stack, self.backend().mutator())

    def live_stack(self, stack: str) -> LiveStack:
        """What exporting STACK reads: its services, secrets and configs, every network."""
        from swarmtui.stacks.export import live_stack

        return live_stack(self.backend().mutator(), stack)

    def live_services(self, services: Sequence[str]) -> LiveStack:
        """What exporting the SERVICES (names or ids) reads."""
        from swarmtui.stacks.export import live_services

        return live_services(self.backend().mutator(), services)

    def swarm_names(self) -> SwarmNames:
        """What the service edit form shows by name: networks, secrets and configs."""
        from swarmtui.actions.service_edit.form import swarm_names

        return swarm_names(self.backend().mutator())

    def join_tokens(self) -> tuple[str, str]:
        """(worker, manager) join tokens; secrets, so refused in read-only mode."""
        return self._access.join_tokens()

    # Writes -----------------------------------------------------------------------------

    def execute(self, operation: Operation) -> object:
        """Run OPERATION (from a worker thread), journal it and refresh at once."""
        refuse_when_read_only(self.read_only)
        try:
            result = operation.run(self.backend().mutator())
        except BackendError as exc:
            self.journal.record(self.now(), operation.command, False, exc.message)
            raise
        self.journal.record(self.now(), operation.command, True, "ok")
        self.refresh_now()
        return result

    def create_swarm(self, advertise_address: str) -> str:
        """Make the connected engine a single-node swarm manager; the new node's id."""
        refuse_when_read_only(self.read_only)
        command = init_swarm_command(advertise_address)
        try:
            node_id = self.backend().init_swarm(advertise_address)
        except BackendError as exc:
            self.journal.record(self.now(), command, False, exc.message)
            raise
        self.journal.record(self.now(), command, True, "ok")
        return node_id

    def run_machine_task(
        self,
        command: str,
        task: Callable[[MachineService], T],
        *,
        asks: Callable[[Exception], bool] = lambda exc: False,
    ) -> T:
        """Run machine work (blocking) on the machine service, journalled as COMMAND.

        An exception for which ASKS is true is a question to the user (trust a host key,
        install Docker), not a failure: it is raised without a journal line.
        """
        refuse_when_read_only(self.read_only)
        service = self.machines
        if service is None:
            raise OperationRefused("Machine management is not available in this console.")
        try:
            result = task(service)
        except Exception as exc:
            if not asks(exc):
                self.journal.record(self.now(), command, False, failure_text(exc))
            raise
        self.journal.record(self.now(), command, True, "ok")
        self.refresh_now()
        return result

    def enable_node_access(self, access: NodeAccess, connect: NodeConnector) -> None:
        """Reach the nodes' own engines, for shells in tasks and on nodes and for the tasks'
        CPU and memory: ACCESS gives a node's routes, CONNECT opens one."""
        self.node_access = access
        self.node_connector = connect
        self.shells = Shells(self.config, self.journal, self.now, access, connect)
        self.reachability = NodeReachability(access, connect, self._wait_for_connect)
        self.usage.enable(access, connect)

    def _known_nodes(self) -> dict[str, Node]:
        snapshot = self.model.snapshot
        return {n.id: n for n in snapshot.nodes} if snapshot is not None else {}

    def _running_tasks(self) -> list[Task]:
        return self.backend().running_tasks()

    def diagnose_task(self, task: Task) -> TaskDiagnosis:
        """Why TASK is not running, with the facts beyond the snapshot (worker thread)."""
        from swarmtui.session.why import diagnose

        snapshot = self.model.snapshot
        nodes = snapshot.nodes if snapshot is not None else ()
        service = snapshot.service(task.service_id) if snapshot is not None else None
        return diagnose(self.backend(), task, service, nodes, self.node_access, self.node_connector)

    def cluster_access(self) -> ClusterAccess | None:
        """How machine work reaches the swarm; None while no manager is connected."""
        return self._access if self.connected else None
