"""Live CPU and memory of the tasks on screen, from the engines of the nodes that run them.

The UI says what it shows (`want`, by owner: the tasks pane, the nodes pane, the top view);
the sampler reads only that, no more often than every INTERVAL seconds, on its own thread,
and stops (connections closed, thread ended) when nothing asks. Each node is reached once
per round, all nodes at once, through one NodeConnection kept between rounds: opened on the
node's routes best first, dropped when it fails and opened again later. Never an SSH
host-key prompt: a node whose key is not confirmed yet just has no figures.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from swarmtui.core.models import Node, Task
from swarmtui.core.usage import ContainerUsage, TaskUsage, UsageReport
from swarmtui.nodes.routes import NodeAccess
from swarmtui.ports import NodeConnection
from swarmtui.session.failures import failure_text
from swarmtui.session.first_route import open_first_route
from swarmtui.session.shells import NodeConnector
from swarmtui.session.usage_report import (
    UsageDemand,
    UsageHistory,
    UsageSampled,
    combined,
    is_sampled,
    node_totals,
)

INTERVAL = 2.0
RETRY_AFTER = 30.0  # a node that could not be reached is tried again after this long
NODES_IN_FLIGHT = 8

UsageListener = Callable[[UsageSampled], None]


@dataclass
class _NodeState:
    connection: NodeConnection | None = None
    failed_at: float | None = None
    problem: str = ""


@dataclass(frozen=True)
class SamplerCounts:
    """What sampling cost so far (the benchmark and the cost tests read it)."""

    rounds: int = 0
    task_lists: int = 0  # requests to the manager for the swarm's running tasks
    node_calls: int = 0  # container_usage calls (one per node and round)
    containers: int = 0  # containers asked for, over all calls


class UsageSampler:
    def __init__(
        self,
        nodes: Callable[[], Mapping[str, Node]],
        running_tasks: Callable[[], list[Task]],
        *,
        interval: float = INTERVAL,
        monotonic: Callable[[], float] = time.monotonic,
        background: bool = True,
    ) -> None:
        self._nodes = nodes
        self._running_tasks = running_tasks
        self.interval = interval
        self._monotonic = monotonic
        # False: no thread; whoever drives it calls `tick` (tests, snapshots).
        self.background = background
        self._access: NodeAccess | None = None
        self._connect: NodeConnector | None = None
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._demands: dict[str, UsageDemand] = {}
        self._listeners: list[UsageListener] = []
        self._states: dict[str, _NodeState] = {}
        self._history = UsageHistory()
        self._thread: threading.Thread | None = None
        self._next_due = -1e18
        self.counts = SamplerCounts()
        self.last_report: UsageReport | None = None

    def enable(self, access: NodeAccess, connect: NodeConnector) -> None:
        """Reach the nodes' engines: ACCESS gives a node's routes, CONNECT opens one."""
        self._access, self._connect = access, connect

    @property
    def available(self) -> bool:
        return self._access is not None and self._connect is not None

    # From the UI's thread -----------------------------------------------------------------

    def subscribe(self, listener: UsageListener) -> Callable[[], None]:
        with self._lock:
            self._listeners.append(listener)

        def unsubscribe() -> None:
            with self._lock:
                if listener in self._listeners:
                    self._listeners.remove(listener)

        return unsubscribe

    def want(self, owner: str, demand: UsageDemand | None) -> None:
        """OWNER shows DEMAND from now on (None or empty: nothing)."""
        with self._lock:
            before = self._demands.get(owner)
            if demand is None or demand.empty:
                self._demands.pop(owner, None)
            else:
                self._demands[owner] = demand
            if before == self._demands.get(owner):
                return
            thread = None
            if self.background and self._thread is None and self._demands:
                thread = threading.Thread(target=self._run, name="usage", daemon=True)
                self._thread = thread
        if thread is not None:
            thread.start()
        self._wake.set()

    @property
    def demand(self) -> UsageDemand:
        with self._lock:
            return combined(self._demands.values())

    @property
    def running(self) -> bool:
        """Whether the sampling thread is alive."""
        thread = self._thread
        return thread is not None and thread.is_alive()

    def close(self) -> None:
        """Nothing is wanted any more: the thread ends and closes the connections."""
        with self._lock:
            self._demands.clear()
            thread = self._thread
        self._wake.set()
        if thread is None:
            self._close_connections()

    # The round ----------------------------------------------------------------------------

    def seconds_until_due(self) -> float | None:
        """None when nothing is wanted; else how long until the next round may start."""
        if self.demand.empty:
            return None
        return max(0.0, self._next_due - self._monotonic())

    def tick(self) -> UsageReport | None:
        """Sample and publish if a round is due (blocking); the report, or None."""
        delay = self.seconds_until_due()
        if delay is None or delay > 0:
            return None
        return self.sample()

    def sample(self) -> UsageReport:
        """One round now (blocking): read what is wanted, publish and return it."""
        now = self._monotonic()
        self._next_due = now + self.interval
        report = self._round(self.demand, now)
        self.last_report = report
        with self._lock:
            listeners = list(self._listeners)
        for listener in listeners:
            listener(UsageSampled(report))
        return report

    def _run(self) -> None:
        while True:
            with self._lock:
                if not self._demands:
                    self._thread = None
                    states, self._states = self._states, {}
                    break
            delay = self.seconds_until_due()
            if delay is not None and delay > 0:
                self._wake.wait(delay)
                self._wake.clear()
                continue
            try:
                self.tick()
            except Exception:  # a bug must not end the sampling: the next round tries again
                self._next_due = self._monotonic() + self.interval
        _close_all(states.values())

    def _round(self, demand: UsageDemand, now: float) -> UsageReport:
        problems: dict[str, str] = {}
        running: tuple[Task, ...] = ()
        if demand.needs_task_list():
            try:
                running = tuple(self._running_tasks())
            except Exception as exc:
                problems[""] = failure_text(exc)
            self._count(task_lists=1)
        targets = {t.id: t for t in demand.tasks if is_sampled(t)}
        for task in running:
            if is_sampled(task) and (demand.whole_swarm or task.node_id in demand.node_ids):
                targets[task.id] = task
        by_node: dict[str, list[Task]] = {}
        for task in targets.values():
            by_node.setdefault(task.node_id, []).append(task)
        nodes = self._nodes()
        usages: dict[str, TaskUsage] = {}
        if by_node:
            workers = min(NODES_IN_FLIGHT, len(by_node))
            with ThreadPoolExecutor(workers, thread_name_prefix="usage-node") as pool:
                answers = pool.map(
                    lambda item: self._sample_node(nodes.get(item[0]), item[0], item[1], now),
                    list(by_node.items()),
                )
                for node_id, (figures, problem) in zip(by_node, answers, strict=True):
                    usages.update(figures)
                    if problem:
                        problems[node_id] = problem
        self._history.forget_old(now)
        total_nodes = set(nodes) if demand.whole_swarm else set(demand.node_ids)
        self._count(rounds=1)
        totals = node_totals(total_nodes, running, usages)
        listed = demand.needs_task_list() and "" not in problems
        return UsageReport(usages, totals, problems, running, listed)

    def _sample_node(
        self, node: Node | None, node_id: str, tasks: list[Task], now: float
    ) -> tuple[dict[str, TaskUsage], str]:
        """The figures of TASKS, all on one node, and why there are none (or "")."""
        if node is None:
            return {}, "node not in the swarm's list"
        connection, problem = self._connection(node, now)
        if connection is None:
            return {}, problem
        ids = tuple(dict.fromkeys(t.container_id for t in tasks))
        self._count(node_calls=1, containers=len(ids))
        try:
            found: dict[str, ContainerUsage] = connection.container_usage(ids)
        except Exception as exc:
            self._drop(node_id, now, f"{connection.description}: {failure_text(exc)}")
            return {}, self._states[node_id].problem
        figures = {
            t.id: self._history.record(t, found[t.container_id], now)
            for t in tasks
            if t.container_id in found
        }
        return figures, ""

    def _connection(self, node: Node, now: float) -> tuple[NodeConnection | None, str]:
        with self._lock:
            state = self._states.setdefault(node.id, _NodeState())
        if state.connection is not None:
            return state.connection, ""
        if state.failed_at is not None and now - state.failed_at < RETRY_AFTER:
            return None, state.problem
        access, connect = self._access, self._connect
        if access is None or connect is None:
            return None, "no access to the nodes' engines in this console"
        state.connection, problem = open_first_route(node, access, connect)
        if state.connection is not None:
            state.failed_at, state.problem = None, ""
            return state.connection, ""
        state.failed_at, state.problem = now, problem
        return None, state.problem

    def _drop(self, node_id: str, now: float, problem: str) -> None:
        state = self._states[node_id]
        connection, state.connection = state.connection, None
        state.failed_at, state.problem = now, problem
        if connection is not None:
            _close_quietly(connection)

    def _close_connections(self) -> None:
        with self._lock:
            states, self._states = self._states, {}
        _close_all(states.values())

    def _count(
        self, rounds: int = 0, task_lists: int = 0, node_calls: int = 0, containers: int = 0
    ) -> None:
        with self._lock:
            was = self.counts
            self.counts = SamplerCounts(
                was.rounds + rounds,
                was.task_lists + task_lists,
                was.node_calls + node_calls,
                was.containers + containers,
            )


def _close_all(states: Iterable[_NodeState]) -> None:
    for state in states:
        if state.connection is not None:
            _close_quietly(state.connection)


def _close_quietly(connection: NodeConnection) -> None:
    with contextlib.suppress(Exception):
        connection.close()
