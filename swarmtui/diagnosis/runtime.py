"""Why a task placed on a node did not run there: the node's engine refused or ended it.

The node's agent keeps the state's message (`preparing`, `started`) and puts the error in
Err; a task failing before it starts is `rejected`, after that `failed` (swarmkit
agent/exec/controller.go). The errors come from the engine (moby
daemon/cluster/executor/container): `No such image: NAME:TAG` when the image is neither on
the node nor pullable (the pull error itself only goes to the node's log), `task: non-zero
exit (CODE)`, and `task: non-zero exit (CODE): dockerexec: unhealthy container` when the
healthcheck failed and the agent stopped the container.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from swarmtui.core.models import Node, Task
from swarmtui.diagnosis.explanation import Cause, Explanation, ExtraFacts, size_text
from swarmtui.diagnosis.task_spec import Reference, healthcheck_test, memory_limit, references

NO_SUCH_IMAGE = re.compile(r"No such image: (\S+)")
NON_ZERO_EXIT = re.compile(r"task: non-zero exit \((-?\d+)\)")
UNHEALTHY = "unhealthy container"
# the engine refusing to bind a host port that something outside the swarm holds
PORT_BUSY = ("port is already allocated", "address already in use")
# agent/secrets, agent/configs ("secret ID not found"), the engine's "No such network"
MISSING = re.compile(
    r"\b(secret|config|network) (\S+) not found|No such network: (\S+)", re.IGNORECASE
)
SIGKILL_EXIT = 137
STOPPED_ON_PURPOSE = frozenset(("shutdown", "remove"))
HEALTH_PROBES_SHOWN = 3
LOG_LINES_SHOWN = 10


def node_name(node: Node | None, node_id: str) -> str:
    if node is None:
        return node_id[:12] or "no node"
    return node.hostname or node.id[:12]


def explain_image(task: Task, node: Node | None) -> Explanation | None:
    found = NO_SUCH_IMAGE.search(task.error)
    if not found:
        return None
    where = node_name(node, task.node_id)
    return Explanation(
        Cause.IMAGE,
        f"The image {found.group(1)} is not on {where} and could not be pulled there.",
        (f"Engine on {where}: {task.error}", f"Task spec image: {task.image}"),
        (
            "Check the name and tag; push the image to a registry every node reaches",
            "(a private one: docker service update --with-registry-auth), or load it on "
            "each node (docker load)",
            "The node's own pull error is in its engine's log (journalctl -u docker)",
        ),
    )


def missing_references(task: Task, extra: ExtraFacts) -> list[Reference]:
    """The networks, secrets and configs the task names that do not exist (as far as the
    caller listed them)."""
    existing = {"network": extra.networks, "secret": extra.secrets, "config": extra.configs}
    missing = []
    for reference in references(task):
        known = existing[reference.kind]
        if known is not None and not ({reference.object_id, reference.name} & known):
            missing.append(reference)
    return missing


def explain_missing_object(task: Task, extra: ExtraFacts) -> Explanation | None:
    found = MISSING.search(task.error)
    absent = missing_references(task, extra)
    if not found and not absent:
        return None
    evidence = [f"Engine: {task.error}"] if task.error else []
    evidence += [
        f"The spec names {r.kind} {r.name or r.object_id} ({r.object_id[:12]}): gone"
        for r in absent
    ]
    if not absent and found:  # the message names an id: the spec may give its name
        kind = (found.group(1) or "network").lower()
        named = found.group(2) or found.group(3)
        spec = next((r for r in references(task) if named in (r.object_id, r.name)), None)
        absent = [spec or Reference(kind, named, "")]
    what = " and ".join(f"{r.kind} {r.name or r.object_id}" for r in absent)
    verb = "does" if len(absent) == 1 else "do"
    return Explanation(
        Cause.MISSING_OBJECT,
        f"The task needs {what}, which {verb} not exist.",
        tuple(evidence),
        (
            "Recreate it under the same name, then force a new task: docker service update "
            "--force SERVICE",
            "or drop it from the service: docker service update --secret-rm/--config-rm/"
            "--network-rm NAME",
        ),
    )


def explain_port_busy(task: Task, node: Node | None) -> Explanation | None:
    if not any(text in task.error for text in PORT_BUSY):
        return None
    where = node_name(node, task.node_id)
    return Explanation(
        Cause.HOST_PORT,
        f"The host-mode port is held on {where} by something outside the swarm.",
        (f"Engine on {where}: {task.error}",),
        (
            f"Find what listens there (ss -ltnp on {where}): stop it or publish another port",
            "the scheduler only knows the ports of swarm tasks, so it may pick that node again",
        ),
    )


def exit_code_of(task: Task) -> int | None:
    found = NON_ZERO_EXIT.search(task.error)
    if found:
        return int(found.group(1))
    return task.exit_code


def explain_exit(task: Task, node: Node | None, extra: ExtraFacts) -> Explanation | None:
    code = exit_code_of(task)
    if code is None or (code == 0 and task.state != "failed"):
        return None
    if not task.error and task.desired_state in STOPPED_ON_PURPOSE:
        return None  # the swarm stopped it (drain, scale, update): its exit code says nothing
    state = extra.container_state
    if UNHEALTHY in task.error or _health_status(state) == "unhealthy":
        return _explain_unhealthy(task, node, code, state)
    where = node_name(node, task.node_id)
    evidence = [f"Engine: {task.error}" if task.error else f"Exit code {code}"]
    evidence.append(f"Exit code {code} on {where}")
    oom = None if state is None else bool(state.get("OOMKilled"))
    limit = memory_limit(task)
    if limit:
        evidence.append(f"Memory limit: {size_text(limit)}")
    if oom is None:
        evidence.append("OOM-killed: not known (the node's engine was not reached)")
        if code == SIGKILL_EXIT:
            evidence.append(f"Exit {SIGKILL_EXIT} means killed (SIGKILL): often out of memory")
    else:
        evidence.append(f"OOM-killed: {'yes' if oom else 'no'} (the node's container state)")
    evidence += _log_lines(extra)
    if oom:
        return Explanation(
            Cause.OUT_OF_MEMORY,
            f"The container ran out of memory on {where} and was killed.",
            tuple(evidence),
            (
                "Raise the memory limit: docker service update --limit-memory SIZE",
                "or make the program use less memory",
            ),
        )
    return Explanation(
        Cause.EXITED,
        f"The container exited with code {code} on {where}.",
        tuple(evidence),
        (
            "Read the task's log (the last lines are above) and fix the command or its config",
            "docker service logs --tail 50 SERVICE shows the other attempts",
        ),
    )


def _health_status(state: Mapping[str, Any] | None) -> str:
    health = (state or {}).get("Health") or {}
    return str(health.get("Status", ""))


def _explain_unhealthy(
    task: Task, node: Node | None, code: int, state: Mapping[str, Any] | None
) -> Explanation:
    where = node_name(node, task.node_id)
    evidence = [f"Engine: {task.error}" if task.error else f"Exit code {code}"]
    test = healthcheck_test(task)
    if test:
        evidence.append("Health check: " + " ".join(test))
    probes = list(((state or {}).get("Health") or {}).get("Log") or [])
    if state is None:
        evidence.append("Probe outputs not known (the node's engine was not reached)")
    for probe in probes[-HEALTH_PROBES_SHOWN:]:
        output = " ".join(str(probe.get("Output", "")).split()) or "(no output)"
        evidence.append(f"Probe exit {probe.get('ExitCode')}: {output}")
    return Explanation(
        Cause.UNHEALTHY,
        f"The healthcheck kept failing on {where}, so the swarm stopped the container.",
        tuple(evidence),
        (
            "Run the check by hand in a running task (shell) to see why it fails",
            "give the program time: docker service update --health-start-period/"
            "--health-timeout/--health-retries",
        ),
    )


def _log_lines(extra: ExtraFacts) -> list[str]:
    if not extra.log_lines:
        return []
    return ["Last log lines:"] + [f"  {line}" for line in extra.log_lines[-LOG_LINES_SHOWN:]]


def explain_node_unavailable(task: Task, node: Node | None) -> Explanation | None:
    if node is None:
        return None
    where = node_name(node, task.node_id)
    message = str(node.raw.get("Status", {}).get("Message", "") or "")
    evidence = [f"Node {where}: status {node.status}, availability {node.availability}"]
    if message:
        evidence.append(f"Node message: {message}")
    evidence.append(f"Task: {task.state}, desired {task.desired_state}")
    if node.status in ("down", "unknown", "disconnected"):
        return Explanation(
            Cause.NODE_UNAVAILABLE,
            f"The node {where} is {node.status}: the managers lost it, its tasks are "
            "rescheduled elsewhere.",
            tuple(evidence),
            (
                f"Check {where}'s engine and its network to the managers (port 2377)",
                f"a node gone for good: docker node rm {where}",
            ),
        )
    if node.availability == "drain" and task.desired_state == "shutdown":
        return Explanation(
            Cause.NODE_UNAVAILABLE,
            f"The node {where} is drained: the swarm moved its tasks away on purpose.",
            tuple(evidence),
            (f"To use it again: docker node update --availability active {where}",),
        )
    return None
