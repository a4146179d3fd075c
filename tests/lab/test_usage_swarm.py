"""Live usage on the lab: swarmtui's figures for a busy task on a worker, read through the
console's own routes (the dind node's engine; the node's sshd through a [nodes] mapping),
against `docker stats --no-stream` of the same container on that node's engine."""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from helpers.swarm import create_service, running_tasks

from swarmtui.adapters.docker.docker_backend import DockerBackend
from swarmtui.adapters.docker.engine_setup import ensure_tools
from swarmtui.adapters.docker.images import WORKLOAD_IMAGE
from swarmtui.adapters.docker.lab import Lab, LabNode, lab_add_ssh_key
from swarmtui.adapters.docker.lab_machines import LabNodes
from swarmtui.adapters.ssh.ssh_connection import SshTarget, connect
from swarmtui.cli.node_connector import open_node
from swarmtui.core.endpoints import Endpoint
from swarmtui.core.models import Node, Task
from swarmtui.core.node_access import NodeMapping, SshDestination
from swarmtui.core.usage import TaskUsage, parse_percent, parse_size
from swarmtui.machines.model import HostKeyUnknown
from swarmtui.nodes.routes import NodeAccess
from swarmtui.session.usage_report import UsageDemand
from swarmtui.session.usage_sampler import UsageSampler

CPU_LIMIT = 0.3  # the loop is capped at 30 % of a CPU: a steady figure on a loaded machine
SHM_BYTES = 24_000_000  # held in /dev/shm: memory that stays put
CPU_POINTS = 5.0
MEMORY_SHARE = 0.05
ROUNDS = 4
TASK_TIMEOUT = 120.0


def log(message: str) -> None:
    print(f"[usage] {message}", file=sys.stderr, flush=True)


@dataclass(frozen=True)
class BusyTask:
    task: Task
    node: Node
    lab_node: LabNode


@pytest.fixture(scope="module")
def busy(lab_swarm: Lab, manager_client: Any, run_id: str) -> Iterator[BusyTask]:
    """A service of one task on worker1: a CPU loop capped at CPU_LIMIT, SHM_BYTES held."""
    name = f"t{run_id}-usage-busy"
    script = f"head -c {SHM_BYTES} /dev/zero > /dev/shm/held; while :; do :; done"
    service_id = create_service(
        manager_client,
        {
            "Name": name,
            "TaskTemplate": {
                "ContainerSpec": {"Image": WORKLOAD_IMAGE, "Command": ["sh", "-c", script]},
                "Resources": {"Limits": {"NanoCPUs": int(CPU_LIMIT * 1e9)}},
                "Placement": {"Constraints": ["node.hostname == worker1"]},
            },
            "Mode": {"Replicated": {"Replicas": 1}},
        },
    )
    backend = DockerBackend(Endpoint(lab_swarm.manager_url, "lab"))
    try:
        deadline = time.monotonic() + TASK_TIMEOUT
        while not running_tasks(manager_client, service_id):
            assert time.monotonic() < deadline, "the busy task never ran"
            time.sleep(0.5)
        task = next(
            t
            for t in backend.running_tasks()
            if t.service_id == service_id and t.state == "running" and t.container_id
        )
        node = next(n for n in backend.nodes() if n.id == task.node_id)
        lab_node = next(n for n in lab_swarm.nodes if n.name == node.hostname)
        time.sleep(3)  # the loop at its pace, the memory written
        yield BusyTask(task, node, lab_node)
    finally:
        backend.close()
        manager_client.api.remove_service(service_id)


def docker_stats(lab_node: LabNode, container_id: str) -> tuple[float, int]:
    """(CPU %, memory used) as `docker -H <node engine> stats --no-stream` shows them."""
    done = subprocess.run(
        [
            *("docker", "-H", lab_node.api_url, "stats", "--no-stream", "--no-trunc"),
            *("--format", "{{json .}}", container_id),
        ],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    record = json.loads(done.stdout.splitlines()[0])
    percent = parse_percent(record["CPUPerc"])
    used = parse_size(record["MemUsage"].split("/")[0])
    assert percent is not None and used is not None, record
    return percent, used


def compare(sampler: UsageSampler, busy: BusyTask, route: str) -> None:
    """ROUNDS rounds of swarmtui's sampler (2 s apart), each beside one `docker stats`."""
    sampler.want("tasks", UsageDemand(tasks=(busy.task,)))
    sampler.sample()
    ours: list[TaskUsage] = []
    theirs: list[tuple[float, int]] = []
    for _ in range(ROUNDS):
        theirs.append(docker_stats(busy.lab_node, busy.task.container_id))
        time.sleep(max(0.0, sampler.seconds_until_due() or 0.0))
        report = sampler.sample()
        assert busy.node.id not in report.problems, report.problems
        ours.append(report.tasks[busy.task.id])
    cpu_ours = statistics.median(u.cpu_percent or 0.0 for u in ours)
    cpu_theirs = statistics.median(c for c, _ in theirs)
    memory_ours = statistics.median(u.memory_used for u in ours)
    memory_theirs = statistics.median(m for _, m in theirs)
    log(
        f"{route}: CPU {cpu_ours:.1f} % (docker stats {cpu_theirs:.1f} %), memory "
        f"{memory_ours / 2**20:.1f} MiB (docker stats {memory_theirs / 2**20:.1f} MiB); "
        f"rounds {[(round(u.cpu_percent or 0, 1), u.memory_used) for u in ours]}, "
        f"docker stats {theirs}"
    )
    assert abs(cpu_ours - cpu_theirs) <= CPU_POINTS
    assert abs(cpu_ours - CPU_LIMIT * 100) <= 2 * CPU_POINTS  # and it is the busy loop's
    assert abs(memory_ours - memory_theirs) <= MEMORY_SHARE * memory_theirs
    assert memory_ours >= SHM_BYTES
    assert all(u.memory_limit > 0 for u in ours)


def test_the_dind_engine_route_matches_docker_stats(lab_swarm: Lab, busy: BusyTask) -> None:
    access = NodeAccess(LabNodes(lab_swarm.name).machines)
    assert access.routes(busy.node)[0].kind == "dind"
    sampler = UsageSampler(lambda: {busy.node.id: busy.node}, list, background=False)
    sampler.enable(access, open_node)
    try:
        compare(sampler, busy, "dind engine")
        assert sampler.counts.node_calls == ROUNDS + 1  # one per round: one stats request
    finally:
        sampler.close()


@pytest.fixture
def lab_key(lab_swarm: Lab, home: Path, engine: Any) -> Iterator[Path]:
    """A key of ours in root's authorized_keys on every lab node (removed afterwards)."""
    ensure_tools({"ssh-keygen": "openssh-client"}, log)
    key = home / "lab_key"
    subprocess.run(
        ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "swarmtui-usage", "-f", str(key)],
        check=True,
        capture_output=True,
    )
    public_key = key.with_suffix(".pub").read_text().strip()
    lab_add_ssh_key(lab_swarm.name, public_key)
    try:
        yield key
    finally:
        script = 'f=/root/.ssh/authorized_keys; grep -vxF "$1" "$f" > "$f.new"; mv "$f.new" "$f"'
        for node in lab_swarm.nodes:
            engine.containers.get(node.container_id).exec_run(
                ["sh", "-c", script, "sh", public_key]
            )


def test_the_ssh_route_asks_for_no_host_key_then_matches_docker_stats(
    busy: BusyTask, lab_key: Path
) -> None:
    """A [nodes] mapping to root@<worker1's address> with the key: while its host key is not
    confirmed the node just has no figures; once confirmed (as the dialog of `e` does), one
    `docker stats --no-stream` over SSH per round."""
    address = busy.node.address
    mapping = NodeMapping("worker1", SshDestination(address, "root", key_path=str(lab_key)))
    access = NodeAccess(None, (mapping,))
    assert access.routes(busy.node)[0].label == "mapped"

    def fresh_sampler() -> UsageSampler:
        sampler = UsageSampler(lambda: {busy.node.id: busy.node}, list, background=False)
        sampler.enable(access, open_node)
        return sampler

    unconfirmed = fresh_sampler()
    unconfirmed.want("tasks", UsageDemand(tasks=(busy.task,)))
    report = unconfirmed.sample()
    unconfirmed.close()
    assert report.tasks == {}
    assert "host key not confirmed" in report.problems[busy.node.id]

    target = SshTarget(address, "root", 22, str(lab_key))
    with pytest.raises(HostKeyUnknown) as unknown:
        connect(target)
    connect(target, accept_fingerprints=[unknown.value.fingerprint]).close()  # the user's yes

    sampler = fresh_sampler()
    try:
        compare(sampler, busy, "ssh")
        assert sampler.counts.node_calls == ROUNDS + 1
    finally:
        sampler.close()
