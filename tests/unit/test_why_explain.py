"""Why is this task not running: one realistic task per cause, in the engine's own words
(swarmkit / moby 20.10 message formats), the explanation, its evidence and what to try."""

from __future__ import annotations

from datetime import timedelta

import pytest
from helpers.engine_json import GIB, node, service, task

from swarmtui.core.models import Node, Service, Task
from swarmtui.diagnosis.explain import (
    Cause,
    Explanation,
    ExtraFacts,
    explain,
    needs_explanation,
    service_not_converging,
    service_stalled,
)
from swarmtui.diagnosis.scheduler import Filter, scheduler_verdict

MANAGER = node("lab-manager-1", role="manager", address="172.20.0.2")
WORKER1 = node("lab-worker-1", labels={"disk": "hdd"}, address="172.20.0.3")
WORKER2 = node("lab-worker-2", labels={"disk": "hdd", "zone": "b"}, address="172.20.0.4")
NODES = (MANAGER, WORKER1, WORKER2)
DB_PASSWORD = ("3ufnx6hazuyd4t1p7zl2yzxmb", "db_password")  # a secret: its id and name


def pending(error: str, **spec: object) -> Task:
    return task(state="pending", message="pending task scheduling", error=error, **spec)  # type: ignore[arg-type]


def running_on(host: Node, task_id: str, **spec: object) -> Task:
    return task(task_id, node_id=host.id, **spec)  # type: ignore[arg-type]


def ended(
    state: str, error: str, message: str = "started", host: Node = WORKER1, **spec: object
) -> Task:
    """A task the engine gave up on (STATE rejected or failed) on HOST, ERROR its words."""
    spec.update(state=state, desired="shutdown", message=message, error=error, node_id=host.id)
    return task(**spec)  # type: ignore[arg-type]


def sure(found: Explanation | None) -> Explanation:
    assert found is not None
    return found


def why(
    stuck: Task,
    svc: Service | None = None,
    nodes: tuple[Node, ...] = NODES,
    extra: ExtraFacts | None = None,
) -> Explanation:
    """The explanation there must be for STUCK, of SVC (a plain replicated service)."""
    return sure(explain(stuck, svc or service(), nodes, extra))


def text(found: Explanation) -> str:
    return "\n".join(found.evidence)


# the scheduler's message


def test_scheduler_messages_are_read_per_filter() -> None:
    verdict = scheduler_verdict(
        "no suitable node (scheduling constraints not satisfied on 3 nodes; "
        "insufficient resources on 1 node)"
    )
    assert verdict == {Filter.CONSTRAINTS: 3, Filter.RESOURCES: 1}
    assert scheduler_verdict(
        "no suitable node (1 node not available for new tasks; max replicas per node limit "
        "exceed; host-mode port already in use on 2 nodes)"
    ) == {Filter.READY: 1, Filter.MAX_REPLICAS: 0, Filter.HOST_PORT: 2}
    assert scheduler_verdict("no suitable node") == {}
    assert scheduler_verdict("task: non-zero exit (1)") is None


# constraints


def test_constraints_no_node_satisfies() -> None:
    stuck = pending(
        "no suitable node (scheduling constraints not satisfied on 3 nodes)",
        constraints=["node.labels.disk==ssd", "node.role==worker"],
    )
    found = why(stuck, extra=ExtraFacts(swarm_tasks=()))
    assert found.cause is Cause.CONSTRAINTS
    assert found.headline == "No node satisfies the placement constraints."
    assert found.also == ()
    lines = found.evidence
    assert lines[0].startswith("Engine: no suitable node (scheduling constraints")
    assert "lab-manager-1 (manager, ready, active):" in lines
    assert (
        "  node.labels.disk==ssd fails (node has nothing); node.role==worker fails "
        "(node has manager)"
    ) in lines
    assert "  node.labels.disk==ssd fails (node has hdd)" in lines
    assert "  node labels: disk=hdd, zone=b" in lines
    assert any("--label-add" in step for step in found.try_next)


def test_constraint_enforcer_removed_a_task() -> None:
    removed = ended(
        "rejected",
        "assigned node no longer meets constraints",
        message="task rejected by constraint enforcer",
        constraints=["node.labels.disk==ssd"],
    )
    found = why(removed)
    assert found.cause is Cause.CONSTRAINTS
    assert "lab-worker-1 no longer satisfies" in found.headline
    assert "node.labels.disk==ssd fails (node has hdd)" in found.evidence
    assert "lab-worker-1 labels: disk=hdd" in found.evidence


# resources


def test_not_enough_memory_anywhere() -> None:
    stuck = pending("no suitable node (insufficient resources on 3 nodes)", reserve_memory=3 * GIB)
    found = why(stuck, extra=ExtraFacts(swarm_tasks=()))
    assert found.cause is Cause.RESOURCES
    assert found.headline == "Not enough free room to reserve 3 GiB on every node."
    assert "  memory free 2 GiB of 2 GiB, asked 3 GiB" in found.evidence


def test_a_global_task_is_judged_on_its_own_node_only() -> None:
    small = node("lab-worker-2", memory=1 * GIB)
    stuck = pending(
        "no suitable node (insufficient resources on 1 node)",
        node_id=small.id,
        reserve_memory=3 * GIB // 2,
    )
    found = why(stuck, service(mode="global"), (MANAGER, small), ExtraFacts(()))
    assert found.cause is Cause.RESOURCES
    assert "lab-worker-2" in text(found) and "lab-manager-1" not in text(found)
    assert found.headline == "Not enough free room to reserve 1.5 GiB on lab-worker-2."


def test_service_stalled_without_its_tasks() -> None:
    changed = service(replicas=3, running=1).updated_at
    assert changed is not None
    soon, later = changed + timedelta(seconds=5), changed + timedelta(minutes=5)
    assert not service_stalled(service(replicas=3, running=1), soon)
    assert service_stalled(service(replicas=3, running=1), later)
    assert not service_stalled(service(replicas=3, running=3), later)
    assert not service_stalled(service(replicas=3, running=1, update_state="updating"), later)
    assert service_stalled(service(replicas=3, running=3, update_state="paused"), soon)
    assert not service_stalled(service(mode="replicated-job", running=0), later)


def test_free_room_counts_the_reservations_of_tasks_held_on_the_node() -> None:
    stuck = pending(
        "no suitable node (insufficient resources on 1 node)",
        reserve_cpus=1.5,
        constraints=["node.hostname==lab-worker-1"],
    )
    others = (
        running_on(WORKER1, "held-running", reserve_cpus=1, service_id="other"),
        running_on(WORKER1, "held-preparing", reserve_cpus=0.25, state="preparing"),
        # ended tasks hold nothing
        running_on(WORKER1, "ended", reserve_cpus=1, state="failed", desired="shutdown"),
        running_on(WORKER2, "elsewhere", reserve_cpus=2),
    )
    found = why(stuck, extra=ExtraFacts(swarm_tasks=others))
    assert found.cause is Cause.RESOURCES
    assert found.also == (Cause.CONSTRAINTS,)
    assert found.headline == (
        "Not enough free room to reserve 1.5 CPUs on the node that satisfies the constraints."
    )
    assert "  CPU free 0.75 CPUs of 2 CPUs, asked 1.5 CPUs" in found.evidence


def test_without_the_swarm_tasks_free_room_is_not_judged() -> None:
    stuck = pending("no suitable node (insufficient resources on 3 nodes)", reserve_memory=GIB)
    found = why(stuck)
    assert found.cause is Cause.RESOURCES  # from the engine's message
    assert found.evidence[-1].startswith("Free resources and used ports not judged")


# several causes in one message


def test_constraints_and_resources_the_only_eligible_node_is_full() -> None:
    """The scheduler counts each node under its first failed filter only."""
    stuck = pending(
        "no suitable node (scheduling constraints not satisfied on 2 nodes; "
        "insufficient resources on 1 node)",
        reserve_memory=GIB,
        constraints=["node.role==manager"],
    )
    full = running_on(MANAGER, "db", reserve_memory=int(1.5 * GIB), service_id="db")
    found = why(stuck, extra=ExtraFacts(swarm_tasks=(full,)))
    assert found.cause is Cause.RESOURCES
    assert found.also == (Cause.CONSTRAINTS,)
    assert "on the node that satisfies the constraints" in found.headline
    assert "  memory free 512 MiB of 2 GiB, asked 1 GiB" in found.evidence
    assert any("--reserve-memory" in step for step in found.try_next)
    assert any("--label-add" in step for step in found.try_next)


def test_constraints_lead_when_they_fail_everywhere_whatever_the_message_counts() -> None:
    stuck = pending(
        "no suitable node (insufficient resources on 2 nodes; scheduling constraints not "
        "satisfied on 1 node)",
        reserve_memory=3 * GIB,
        constraints=["node.labels.disk==ssd"],
    )
    roomy = node("lab-worker-3", memory=8 * GIB, labels={"disk": "hdd"})
    small = (WORKER1, WORKER2, roomy)
    found = why(stuck, nodes=small, extra=ExtraFacts(swarm_tasks=()))
    assert found.cause is Cause.CONSTRAINTS
    assert found.also == (Cause.RESOURCES,)
    assert found.headline == "No node satisfies the placement constraints."


def test_a_drained_node_is_the_one_the_constraints_point_at() -> None:
    drained = node("lab-worker-1", labels={"disk": "ssd"}, availability="drain")
    stuck = pending(
        "no suitable node (scheduling constraints not satisfied on 2 nodes; 1 node not "
        "available for new tasks)",
        constraints=["node.labels.disk==ssd"],
    )
    found = why(stuck, nodes=(MANAGER, drained, WORKER2), extra=ExtraFacts(()))
    assert found.cause is Cause.NODE_UNAVAILABLE
    assert found.also == (Cause.CONSTRAINTS,)
    assert "the node that satisfies the constraints" in found.headline
    assert "  takes no new tasks: drain" in found.evidence


def test_every_node_down_or_drained() -> None:
    down = node("lab-worker-1", state="down", message="heartbeat failure")
    nodes = (node("lab-manager-1", role="manager", availability="drain"), down)
    stuck = pending("no suitable node (2 nodes not available for new tasks)")
    found = why(stuck, nodes=nodes, extra=ExtraFacts(swarm_tasks=()))
    assert found.cause is Cause.NODE_UNAVAILABLE
    assert found.headline == "No new tasks go to every node: down, drained or paused."
    assert "  takes no new tasks: down, active, heartbeat failure" in found.evidence


# host-mode ports


def test_host_port_taken_on_every_eligible_node() -> None:
    stuck = pending(
        "no suitable node (host-mode port already in use on 2 nodes; scheduling constraints "
        "not satisfied on 1 node)",
        constraints=["node.role==worker"],
    )
    holders = (
        running_on(WORKER1, "web-1", host_ports=[8080]),
        running_on(WORKER2, "web-2", state="starting", message="starting"),  # same service
    )
    web = service(host_ports=[8080])
    found = why(stuck, web, extra=ExtraFacts(swarm_tasks=holders))
    assert found.cause is Cause.HOST_PORT
    assert found.also == (Cause.CONSTRAINTS,)
    assert found.headline == (
        "The host-mode port is already taken on the 2 nodes that satisfy the constraints."
    )
    assert text(found).count("host port in use by another task here: 8080/tcp") == 2


# max replicas per node


def test_max_replicas_per_node_reached() -> None:
    stuck = pending("no suitable node (max replicas per node limit exceed)", max_replicas=1)
    workers = (WORKER1, WORKER2)
    held = tuple(running_on(w, f"web-{i}", max_replicas=1) for i, w in enumerate(workers))
    found = why(stuck, service(replicas=3), workers, ExtraFacts(swarm_tasks=held))
    assert found.cause is Cause.MAX_REPLICAS
    assert found.headline.startswith("At most 1 replicas per node")
    assert "  1 replicas here already (max 1)" in found.evidence
    assert any("--replicas-max-per-node" in step for step in found.try_next)


# the image


def test_image_missing_and_not_pullable() -> None:
    image = "registry.invalid/missing:1.0"
    missing = f"No such image: {image}"
    found = why(ended("rejected", missing, message="preparing", host=WORKER2, image=image))
    assert found.cause is Cause.IMAGE
    assert found.headline == (
        "The image registry.invalid/missing:1.0 is not on lab-worker-2 and could not be "
        "pulled there."
    )
    engine_said = "Engine on lab-worker-2: No such image: registry.invalid/missing:1.0"
    assert found.evidence[0] == engine_said


# networks, secrets, configs


def test_missing_secret_from_the_node_message() -> None:
    not_found = f"unable to get secret from secret store: secret {DB_PASSWORD[0]} not found"
    found = why(ended("rejected", not_found, message="starting", secrets=[DB_PASSWORD]))
    assert found.cause is Cause.MISSING_OBJECT
    assert found.headline == "The task needs secret db_password, which does not exist."


def test_missing_secret_and_network_from_the_listed_objects() -> None:
    pending_task = ended(
        "rejected",
        "starting container failed: some later error",
        message="preparing",
        secrets=[DB_PASSWORD],
        networks=[("kq0vz3m8f1b2c4d5e6f7g8h9i", "backend"), ("ing0000000001", "front")],
    )
    extra = ExtraFacts(
        secrets=frozenset({"api_key", "9zz"}),
        networks=frozenset({"front", "ing0000000001"}),
        configs=frozenset(),
    )
    found = why(pending_task, extra=extra)
    assert found.cause is Cause.MISSING_OBJECT
    assert found.headline == (
        "The task needs secret db_password and network backend, which do not exist."
    )
    assert "The spec names network backend (kq0vz3m8f1b2): gone" in found.evidence


# the container exited


def test_exit_code_with_the_last_log_lines() -> None:
    failed = ended("failed", "task: non-zero exit (1)", exit_code=1)
    extra = ExtraFacts(
        log_lines=(*(f"line {i}" for i in range(15)), "fatal: config.yml not found"),
        container_state={"Status": "exited", "ExitCode": 1, "OOMKilled": False},
    )
    found = why(failed, extra=extra)
    assert found.cause is Cause.EXITED
    assert found.headline == "The container exited with code 1 on lab-worker-1."
    assert "OOM-killed: no (the node's container state)" in found.evidence
    assert found.evidence[-1] == "  fatal: config.yml not found"
    assert "  line 5" not in found.evidence  # the last ten lines only


def test_out_of_memory_from_the_node_container_state() -> None:
    failed = ended("failed", "task: non-zero exit (137)", exit_code=137, limit_memory=8 * 2**20)
    state = {"Status": "exited", "ExitCode": 137, "OOMKilled": True}
    found = why(failed, extra=ExtraFacts(container_state=state))
    assert found.cause is Cause.OUT_OF_MEMORY
    assert "Memory limit: 8 MiB" in found.evidence
    assert "OOM-killed: yes (the node's container state)" in found.evidence
    assert any("--limit-memory" in step for step in found.try_next)


def test_exit_137_without_the_node_engine_hints_at_memory() -> None:
    failed = task(
        state="failed", error="task: non-zero exit (137)", node_id=WORKER1.id, exit_code=137
    )
    found = why(failed)
    assert found.cause is Cause.EXITED
    assert "OOM-killed: not known (the node's engine was not reached)" in found.evidence
    assert any("often out of memory" in line for line in found.evidence)


def test_failing_healthcheck_with_the_probe_outputs() -> None:
    failed = ended(
        "failed",
        "task: non-zero exit (143): dockerexec: unhealthy container",
        exit_code=143,
        healthcheck=["CMD-SHELL", "wget -qO- http://localhost/health || exit 1"],
    )
    probes = [
        {"Start": "t", "End": "t", "ExitCode": 1, "Output": f"wget: can't connect ({i})\n"}
        for i in range(5)
    ]
    state = {
        "Status": "exited",
        "ExitCode": 143,
        "OOMKilled": False,
        "Health": {"Status": "unhealthy", "FailingStreak": 5, "Log": probes},
    }
    found = why(failed, extra=ExtraFacts(container_state=state))
    assert found.cause is Cause.UNHEALTHY
    assert "Health check: CMD-SHELL wget -qO- http://localhost/health || exit 1" in found.evidence
    assert found.evidence[-1] == "Probe exit 1: wget: can't connect (4)"
    assert "Probe exit 1: wget: can't connect (1)" not in found.evidence  # the last three


def test_failing_healthcheck_without_the_node_engine() -> None:
    failed = task(
        state="failed",
        error="task: non-zero exit (137): dockerexec: unhealthy container",
        node_id=WORKER1.id,
        exit_code=137,
    )
    found = why(failed)
    assert found.cause is Cause.UNHEALTHY
    assert "Probe outputs not known (the node's engine was not reached)" in found.evidence


# the node


def test_task_on_a_node_that_went_down() -> None:
    down = node("lab-worker-1", state="down", message="heartbeat failure")
    stranded = task(state="running", desired="shutdown", node_id=down.id)
    assert needs_explanation(stranded, down)
    found = why(stranded, nodes=(MANAGER, down))
    assert found.cause is Cause.NODE_UNAVAILABLE
    assert "Node message: heartbeat failure" in found.evidence


def test_task_moved_off_a_drained_node() -> None:
    drained = node("lab-worker-1", availability="drain")
    moved = task(state="shutdown", desired="shutdown", message="shutdown", node_id=drained.id)
    assert not needs_explanation(moved, drained)  # no error: only on request
    found = why(moved, nodes=(MANAGER, drained))
    assert found.cause is Cause.NODE_UNAVAILABLE
    assert "drained" in found.headline


# anything else, and nothing to explain


@pytest.mark.parametrize(
    ("error", "message", "svc", "cause", "headline_part"),
    [
        pytest.param(
            "starting container failed: driver failed programming external connectivity on "
            "endpoint web.1.x9k2 (4c1d): Bind for 0.0.0.0:8080 failed: port is already allocated",
            "starting",
            service(host_ports=[8080]),
            Cause.HOST_PORT,
            "outside the swarm",
            id="host-port-held-outside-the-swarm",
        ),
        pytest.param(
            'invalid mount config for type "bind": bind source path does not exist: /srv/x',
            "preparing",
            service(),
            Cause.OTHER,
            "bind source path does not exist",
            id="not-recognised-shown-as-the-engine-said-it",
        ),
    ],
)
def test_a_rejected_task_explained_from_the_engine_error(
    error: str, message: str, svc: Service, cause: Cause, headline_part: str
) -> None:
    found = why(ended("rejected", error, message=message), svc)
    assert found.cause is cause
    assert headline_part in found.headline


def test_nothing_to_explain() -> None:
    assert explain(running_on(WORKER1, "ok"), service(), NODES) is None
    done = task(state="complete", desired="shutdown", message="finished", node_id=WORKER1.id)
    assert explain(done, service(), NODES) is None
    fresh = task(state="pending", message="pending task scheduling")
    assert explain(fresh, service(), NODES) is None


def test_needs_explanation() -> None:
    assert needs_explanation(pending("no suitable node (insufficient resources on 1 node)"))
    assert not needs_explanation(task(state="pending", message="pending task scheduling"))
    for state in ("rejected", "failed", "orphaned"):
        assert needs_explanation(task(state=state, node_id=WORKER1.id))
    assert needs_explanation(task(state="shutdown", error="task: non-zero exit (2)"))
    assert not needs_explanation(task(state="shutdown", desired="shutdown", message="shutdown"))
    assert not needs_explanation(running_on(WORKER1, "ok"), WORKER1)
    assert not needs_explanation(task(state="complete", desired="shutdown"))


# the services pane


def crash(task_id: str, when: str = "2026-03-02T10:20:00Z") -> Task:
    return ended("failed", "task: non-zero exit (1)", task_id=task_id, exit_code=1, when=when)


def test_service_not_converging() -> None:
    web = service(replicas=2, running=1)
    ok = running_on(WORKER1, "ok")
    stuck = pending("no suitable node (insufficient resources on 3 nodes)")
    assert service_not_converging(web, [ok, stuck])
    # crash looping: the failed tasks are history, the current one is starting again
    again = task("again", state="starting", message="starting", node_id=WORKER1.id)
    assert service_not_converging(web, [ok, again, crash("c1")])


def test_a_rollout_in_progress_and_old_failures_are_not_marked() -> None:
    web = service(replicas=2, running=1, updated_at="2026-03-02T11:00:00Z")
    ok = running_on(WORKER1, "ok")
    starting = task("new", state="preparing", message="preparing", node_id=WORKER2.id)
    before_update = crash("old", when="2026-03-02T10:59:00Z")
    assert not service_not_converging(web, [ok, starting, before_update])
    assert not service_not_converging(service(replicas=1, running=1), [ok, crash("c")])


def test_jobs_global_services_and_paused_updates() -> None:
    job = service(mode="replicated-job", replicas=None)
    assert not service_not_converging(job, [crash("c")])
    everywhere = service(mode="global", replicas=None)
    assert service_not_converging(everywhere, [running_on(WORKER1, "a"), crash("b")]) is False
    stuck_global = pending("no suitable node (insufficient resources on 1 node)")
    assert service_not_converging(everywhere, [running_on(WORKER1, "a"), stuck_global])
    paused = service(replicas=2, running=2, update_state="paused")
    assert service_not_converging(paused, [running_on(WORKER1, "a"), running_on(WORKER2, "b")])
