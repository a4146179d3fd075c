"""The failover decision with fake managers: a dead manager is left once, for a live one; a
survivor that answers "no leader" or nothing (its swarm calls wait for a leader) is kept and
the state reported is an election. The real thing (a killed leader of a 3-manager lab) is
tests/lab/test_faults.py::test_killed_leader_one_switch_and_the_election_shown.

A fake clock drives the failover's timing; only the poll-loop test waits (about 2 s).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from helpers.fake_clock import FakeClock

from swarmtui.core.endpoints import Endpoint
from swarmtui.core.errors import BackendError, ProblemKind
from swarmtui.core.models import ClusterSnapshot, EngineInfo, Node, Service, Task, TaskScope
from swarmtui.demo.cluster import DemoBackend
from swarmtui.session.failover import ELECTION_GRACE, Failover, ManagerDirectory
from swarmtui.session.loops import EventPump, run_poll_loop
from swarmtui.session.refresher import Refresher

M1, M2, M3 = "tcp://10.0.0.1:2375", "tcp://10.0.0.2:2375", "tcp://10.0.0.3:2375"
NAMES = {M1: "manager1", M2: "manager2", M3: "manager3"}
HEALTHY, DEAD, NO_LEADER, HANGING = "healthy", "dead", "no leader", "hanging"


@dataclass
class FakeCluster:
    """Three managers, each in one state; LEADER the hostname of the leader (or "")."""

    states: dict[str, str]
    leader: str = "manager1"
    opened: list[str] = field(default_factory=list)

    def open(self, endpoint: Endpoint) -> FakeManager:
        self.opened.append(endpoint.url)
        if self.states[endpoint.url] == DEAD:  # the version handshake fails
            raise BackendError(ProblemKind.UNREACHABLE, f"Cannot reach {endpoint.url}.")
        return FakeManager(self, endpoint.url)


class FakeManager(DemoBackend):
    """A manager of FakeCluster: the demo's services, the cluster's three managers."""

    def __init__(self, cluster: FakeCluster, url: str) -> None:
        super().__init__()
        self.cluster = cluster
        self.url = url

    @property
    def endpoint_display(self) -> str:
        return self.url

    def alive(self) -> bool:
        return self.cluster.states[self.url] != DEAD

    def _swarm_call(self) -> None:
        state = self.cluster.states[self.url]
        if state == DEAD:
            raise BackendError(ProblemKind.UNREACHABLE, f"Cannot reach {self.url}.")
        if state == HANGING:  # a read timeout: the call waited for a leader
            raise BackendError(ProblemKind.UNREACHABLE, f"Cannot reach {self.url} (timeout).")
        if state == NO_LEADER:
            raise BackendError(ProblemKind.QUORUM_LOST, "The swarm has no leader.")

    def engine_info(self) -> EngineInfo:
        self._swarm_call()
        return super().engine_info()

    def nodes(self) -> list[Node]:
        self._swarm_call()
        return [self._node(url) for url in (M1, M2, M3)]

    def _node(self, url: str) -> Node:
        name = NAMES[url]
        if name == self.cluster.leader:
            status = "Leader"
        else:
            status = "Unreachable" if self.cluster.states[url] == DEAD else "Reachable"
        return Node(
            id=f"id-{name}",
            hostname=name,
            role="manager",
            status="ready",
            availability="active",
            manager_status=status,
            engine_version="20.10.24",
            address=url.split("//")[1].split(":")[0],
            labels=(),
            platform="linux/x86_64",
            cpus=1.0,
            memory_bytes=1 << 30,
            created_at=None,
            updated_at=None,
            is_self=url == self.url,
        )

    def services(self) -> list[Service]:
        self._swarm_call()
        return super().services()

    def tasks(self, scope: TaskScope) -> list[Task]:
        self._swarm_call()
        return super().tasks(scope)


@dataclass
class Rig:
    cluster: FakeCluster
    clock: FakeClock
    refresher: Refresher
    failover: Failover
    switches: list[tuple[str, str, bool]]

    def poll(self) -> BackendError | ClusterSnapshot | None:
        """One refresh as the poll loop makes it: the snapshot, or what failover says."""
        try:
            return self.refresher.refresh()
        except BackendError as error:
            return self.failover.handle(error)


def rig(states: dict[str, str] | None = None) -> Rig:
    """The console on manager1 (the leader) with a first snapshot of three managers."""
    cluster = FakeCluster(states or {M1: HEALTHY, M2: HEALTHY, M3: HEALTHY})
    clock = FakeClock()
    refresher = Refresher(cluster.open(Endpoint(M1, "--host")), monotonic=clock)
    snapshot = refresher.refresh()
    assert snapshot is not None
    directory = ManagerDirectory([Endpoint(M1, "--host")])
    directory.learn(snapshot.nodes)
    switches: list[tuple[str, str, bool]] = []
    pump = EventPump(refresher, lambda _: None)
    failover = Failover(
        refresher,
        pump,
        directory,
        cluster.open,
        lambda old, new, electing: switches.append((old, new, electing)),
        monotonic=clock,
    )
    cluster.opened.clear()
    return Rig(cluster, clock, refresher, failover, switches)


def kill_leader(r: Rig, survivors: str, *, second: str | None = None) -> None:
    r.cluster.states.update({M1: DEAD, M2: survivors, M3: second or survivors})
    r.cluster.leader = ""
    r.clock.advance(2.0)
    r.refresher.request()


def test_the_dead_leader_is_left_once_for_a_survivor_saying_no_leader() -> None:
    r = rig()
    kill_leader(r, NO_LEADER)
    assert r.poll() is None  # switched: poll again at once
    assert r.switches == [(M1, M2, True)]  # the leader is lost, two of three remain
    assert r.refresher.backend.endpoint_display == M2
    for _ in range(15):  # the election: M2 (and M3) answer "no leader"
        r.clock.advance(1.0)
        state = r.poll()
        assert isinstance(state, BackendError)
        assert state.kind is ProblemKind.ELECTING, state.message
        assert "electing a leader" in state.message.lower()
        assert M1 not in state.message and M1 not in state.hint
    assert len(r.switches) == 1 and r.failover.switches == 1
    assert r.cluster.opened == [M2, M3]  # candidates probed once, at the switch
    r.cluster.states[M2] = r.cluster.states[M3] = HEALTHY
    r.cluster.leader = "manager3"
    snapshot = r.poll()
    assert isinstance(snapshot, ClusterSnapshot)
    assert snapshot.endpoint == M2
    assert snapshot.leader is not None and snapshot.leader.hostname == "manager3"


def test_survivors_whose_swarm_calls_time_out_are_kept() -> None:
    """During an election the survivors' swarm calls wait for a leader (read timeouts, which
    look like an unreachable engine); their engines answer: no hopping between them."""
    r = rig()
    kill_leader(r, HANGING)
    assert r.poll() is None
    for _ in range(15):
        r.clock.advance(1.0)
        state = r.poll()
        assert isinstance(state, BackendError)
        assert state.kind is ProblemKind.ELECTING
    assert r.switches == [(M1, M2, True)]
    assert r.refresher.backend.endpoint_display == M2


def test_a_dead_candidate_is_never_chosen() -> None:
    r = rig()
    kill_leader(r, DEAD, second=HANGING)  # manager2 died too; manager3 lives
    assert r.poll() is None
    assert r.switches[0][1] == M3
    assert r.refresher.backend.endpoint_display == M3


def test_no_live_candidate_keeps_the_error_and_does_not_switch() -> None:
    r = rig()
    kill_leader(r, DEAD)
    state = r.poll()
    assert isinstance(state, BackendError) and state.kind is ProblemKind.UNREACHABLE
    assert r.switches == []


def test_a_dead_follower_is_left_without_an_election() -> None:
    r = rig()
    r.cluster.leader = "manager2"
    r.refresher.request()
    assert isinstance(r.poll(), ClusterSnapshot)  # the snapshot shows manager2 leading
    r.cluster.states[M1] = DEAD
    r.refresher.request()
    assert r.poll() is None
    assert r.switches == [(M1, M2, False)]
    snapshot = r.poll()
    assert isinstance(snapshot, ClusterSnapshot) and snapshot.endpoint == M2


def test_an_election_that_lasts_too_long_is_reported_as_such() -> None:
    r = rig()
    kill_leader(r, NO_LEADER)
    assert r.poll() is None
    r.clock.advance(ELECTION_GRACE + 1)
    state = r.poll()
    assert isinstance(state, BackendError) and state.kind is ProblemKind.QUORUM_LOST
    r.cluster.states[M2] = HANGING
    state = r.poll()
    assert isinstance(state, BackendError) and state.kind is ProblemKind.ENGINE_ERROR
    assert "answers" in state.message and M2 in state.message
    assert r.failover.switches == 1


def test_losing_the_majority_is_quorum_lost_not_an_election() -> None:
    r = rig({M1: HEALTHY, M2: HEALTHY, M3: DEAD})
    assert r.refresher.last_snapshot is not None  # shows manager3 Unreachable
    r.cluster.states[M1] = DEAD
    r.cluster.states[M2] = NO_LEADER
    r.refresher.request()
    assert r.poll() is None
    assert r.switches == [(M1, M2, False)]
    r.clock.advance(1.0)
    state = r.poll()
    assert isinstance(state, BackendError) and state.kind is ProblemKind.QUORUM_LOST


def test_no_leader_from_the_manager_in_use_without_a_loss_stays_quorum_lost() -> None:
    r = rig()
    r.cluster.states.update({M1: NO_LEADER, M2: DEAD, M3: DEAD})
    r.refresher.request()
    state = r.poll()
    assert isinstance(state, BackendError) and state.kind is ProblemKind.QUORUM_LOST
    assert r.switches == [] and r.cluster.opened == []


def test_the_poll_loop_reports_the_election_then_recovers_after_one_switch() -> None:
    r = rig()
    kill_leader(r, NO_LEADER)
    reports: list[BackendError | None] = []
    published: list[ClusterSnapshot] = []
    stop = threading.Event()

    def report(error: BackendError | None) -> None:
        reports.append(error)
        if len(reports) == 2:  # the election is over
            r.cluster.states[M2] = r.cluster.states[M3] = HEALTHY
            r.cluster.leader = "manager2"
        if error is None:
            stop.set()

    def publish(snapshot: ClusterSnapshot) -> None:
        published.append(snapshot)

    worker = threading.Thread(
        target=run_poll_loop, args=(r.refresher, stop, publish, report, r.failover.handle)
    )
    worker.start()
    worker.join(timeout=60)
    stop.set()
    r.refresher.wake()
    assert not worker.is_alive()
    kinds = [e.kind if e else None for e in reports]
    assert kinds == [ProblemKind.ELECTING, ProblemKind.ELECTING, None]
    assert r.switches == [(M1, M2, True)]
    assert published and published[-1].endpoint == M2
