"""Why the scheduler finds no node for a task: per node, every check that fails."""

from __future__ import annotations

from swarmtui.core.models import Node, Service, Task
from swarmtui.diagnosis.constraints import ConstraintCheck
from swarmtui.diagnosis.explanation import Cause, Explanation, ExtraFacts, cpus_text, size_text
from swarmtui.diagnosis.scheduler import Amounts, Filter, NodeVerdict, node_verdict
from swarmtui.diagnosis.task_spec import max_replicas, reservations, service_host_ports

CAUSE_OF = {
    Filter.READY: Cause.NODE_UNAVAILABLE,
    Filter.RESOURCES: Cause.RESOURCES,
    Filter.PLUGIN: Cause.PLUGIN,
    Filter.CONSTRAINTS: Cause.CONSTRAINTS,
    Filter.PLATFORM: Cause.PLATFORM,
    Filter.HOST_PORT: Cause.HOST_PORT,
    Filter.MAX_REPLICAS: Cause.MAX_REPLICAS,
}
# When the nodes closest to taking the task fail in different ways, the first named here
# leads. Constraints and platforms come last: they are chosen on purpose, so what stops the
# nodes that do satisfy them is the news.
PRECEDENCE = (
    Filter.RESOURCES,
    Filter.HOST_PORT,
    Filter.MAX_REPLICAS,
    Filter.READY,
    Filter.PLUGIN,
    Filter.PLATFORM,
    Filter.CONSTRAINTS,
)
TRY = {
    Cause.CONSTRAINTS: (
        "Label a node so it matches: docker node update --label-add KEY=VALUE NODE",
        "or change the constraint: docker service update --constraint-rm/--constraint-add",
    ),
    Cause.RESOURCES: (
        "Lower the reservation: docker service update --reserve-cpu/--reserve-memory",
        "or free room on a node (scale down other services), or add a node",
    ),
    Cause.HOST_PORT: (
        "A host-mode port allows one task per node: use fewer replicas than eligible nodes,",
        "publish another port, or publish in ingress mode (mode=ingress)",
    ),
    Cause.MAX_REPLICAS: (
        "Raise the limit (docker service update --replicas-max-per-node N),",
        "lower the replicas, or add nodes that satisfy the constraints",
    ),
    Cause.NODE_UNAVAILABLE: (
        "Drained or paused nodes take no new tasks: docker node update --availability active",
        "a down node: check its engine and its network to the managers",
    ),
    Cause.PLATFORM: ("Use an image built for the nodes' platform, or add such a node",),
    Cause.PLUGIN: ("Install the plugin the service uses (volume, network or log) on the nodes",),
}


def explain_scheduling(
    task: Task,
    service: Service | None,
    nodes: tuple[Node, ...],
    extra: ExtraFacts,
    in_message: dict[Filter, int],
) -> Explanation:
    asked_ports = tuple(service_host_ports(service.raw)) if service else ()
    swarm_tasks = extra.swarm_tasks or ()
    verdicts = [node_verdict(task, node, swarm_tasks, asked_ports) for node in nodes]
    if extra.swarm_tasks is None:  # free room, ports and replicas cannot be judged
        unjudged = {Filter.RESOURCES, Filter.HOST_PORT, Filter.MAX_REPLICAS}
        verdicts = [_without(v, unjudged) for v in verdicts]
    named = set(in_message) | {f for v in verdicts for f in v.failed}
    lead = _leading_filter(verdicts, in_message)
    headline = _headline(lead, task, verdicts, in_message) if lead else _nothing_fails(task)
    evidence = [f"Engine: {task.error}"]
    evidence += [line for v in verdicts for line in _node_lines(task, v)]
    if extra.swarm_tasks is None:
        evidence.append("Free resources and used ports not judged: the swarm's tasks unknown")
    lead_cause = CAUSE_OF[lead] if lead else Cause.OTHER
    also = tuple(CAUSE_OF[f] for f in PRECEDENCE if f in named and f is not lead)
    try_next = list(TRY.get(lead_cause, ()))
    for cause in also:
        try_next += TRY.get(cause, ())[:1]
    return Explanation(lead_cause, headline, tuple(evidence), tuple(try_next), also)


def _without(verdict: NodeVerdict, unjudged: set[Filter]) -> NodeVerdict:
    kept = tuple(f for f in verdict.failed if f not in unjudged)
    return NodeVerdict(verdict.node, kept, verdict.constraints, verdict.total, verdict.total)


def _leading_filter(verdicts: list[NodeVerdict], in_message: dict[Filter, int]) -> Filter | None:
    """What keeps the nodes closest to taking the task (fewest failed checks) from it; the
    message's own filters when no node fails here (the facts have moved on since)."""
    failing = [v for v in verdicts if v.failed]
    if failing:
        fewest = min(len(v.failed) for v in failing)
        candidates = {f for v in failing if len(v.failed) == fewest for f in v.failed}
    else:
        candidates = set(in_message)
    return next((f for f in PRECEDENCE if f in candidates), None)


def _count(kind: Filter, verdicts: list[NodeVerdict], in_message: dict[Filter, int]) -> int:
    return sum(1 for v in verdicts if kind in v.failed) or in_message.get(kind, 0)


def _headline(
    lead: Filter, task: Task, verdicts: list[NodeVerdict], in_message: dict[Filter, int]
) -> str:
    total = len(verdicts)
    count = _count(lead, verdicts, in_message)
    eligible = [v for v in verdicts if Filter.CONSTRAINTS not in v.failed]
    if task.node_id and total == 1:  # a global service's task: its own node only
        of_nodes = verdicts[0].node.hostname or task.node_id[:12]
    elif count == total and total:
        of_nodes = "every node"
    elif (
        lead is not Filter.CONSTRAINTS
        and 0 < len(eligible) < total
        and all(lead in v.failed for v in eligible)
    ):
        of_nodes = (
            "the node that satisfies the constraints"
            if len(eligible) == 1
            else f"the {len(eligible)} nodes that satisfy the constraints"
        )
    else:
        of_nodes = f"{count} of {total} nodes"
    nano_cpus, memory = reservations(task)
    if lead is Filter.CONSTRAINTS:
        if count == total:
            return "No node satisfies the placement constraints."
        return f"The placement constraints rule out {of_nodes}; the others cannot take it."
    if lead is Filter.RESOURCES:
        asked = " and ".join(
            text
            for amount, text in ((nano_cpus, cpus_text(nano_cpus)), (memory, size_text(memory)))
            if amount
        )
        return f"Not enough free room to reserve {asked} on {of_nodes}."
    if lead is Filter.HOST_PORT:
        return f"The host-mode port is already taken on {of_nodes}."
    if lead is Filter.MAX_REPLICAS:
        return (
            f"At most {max_replicas(task)} replicas per node, and the eligible nodes have "
            "that many already."
        )
    if lead is Filter.READY:
        return f"No new tasks go to {of_nodes}: down, drained or paused."
    if lead is Filter.PLATFORM:
        return f"The image's platform does not match {of_nodes}."
    return f"A plugin the service needs is missing on {of_nodes}."


def _nothing_fails(task: Task) -> str:
    return (
        "The scheduler found no node, but every node passes its checks now: "
        "the task should be placed on the next try."
        if task.error.startswith("no suitable node (")
        else "The scheduler found no node at all: the swarm has no node it can use."
    )


def _node_lines(task: Task, verdict: NodeVerdict) -> list[str]:
    node = verdict.node
    name = node.hostname or node.id[:12]
    head = f"{name} ({node.role}, {node.status}, {node.availability})"
    if not verdict.failed:
        return [f"{head}: passes every check"]
    lines = [f"{head}:"]
    for kind in verdict.failed:
        lines.append("  " + _failure_text(kind, task, verdict))
    if Filter.CONSTRAINTS in verdict.failed:
        labels = ", ".join(f"{k}={v}" for k, v in node.labels) or "none"
        lines.append(f"  node labels: {labels}")
    return lines


def _failure_text(kind: Filter, task: Task, verdict: NodeVerdict) -> str:
    if kind is Filter.READY:
        message = str(verdict.node.raw.get("Status", {}).get("Message", "") or "")
        state = verdict.node.status if verdict.node.status != "ready" else ""
        parts = [p for p in (state, verdict.node.availability, message) if p]
        return "takes no new tasks: " + ", ".join(parts)
    if kind is Filter.CONSTRAINTS:
        return "; ".join(_constraint_text(c) for c in verdict.constraints)
    if kind is Filter.RESOURCES:
        return _room_text(Amounts(*reservations(task)), verdict)
    if kind is Filter.HOST_PORT:
        return "host port in use by another task here: " + ", ".join(verdict.ports_taken)
    if kind is Filter.MAX_REPLICAS:
        return f"{verdict.replicas_here} replicas here already (max {max_replicas(task)})"
    return str(kind.value).removesuffix(" on")


def _constraint_text(check: ConstraintCheck) -> str:
    if not check.known_key:
        return f"{check.constraint} fails: the manager knows no key {check.constraint.key}"
    has = check.node_value or "nothing"
    return f"{check.constraint} fails (node has {has})"


def _room_text(asked: Amounts, verdict: NodeVerdict) -> str:
    parts = []
    if asked.nano_cpus:
        parts.append(
            f"CPU free {cpus_text(max(0, verdict.free.nano_cpus))} of "
            f"{cpus_text(verdict.total.nano_cpus)}, asked {cpus_text(asked.nano_cpus)}"
        )
    if asked.memory_bytes:
        parts.append(
            f"memory free {size_text(max(0, verdict.free.memory_bytes))} of "
            f"{size_text(verdict.total.memory_bytes)}, asked {size_text(asked.memory_bytes)}"
        )
    return "; ".join(parts)
