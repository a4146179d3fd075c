"""Figure 12: one refresh of the usage columns with N running tasks on screen, beside
`docker stats --no-stream` of the same containers, in the same run.

swarmtui's side is the session's sampler as the console runs it: the lab's nodes are its
machines (each node's published engine), the N tasks are the rows in view, a connection per
node is kept between refreshes. Its HTTP requests are counted in this process (every request
puts one request line). The CLI's side asks each node's engine for its containers, the nodes
at once, as an operator with one shell per node would.
"""

from __future__ import annotations

import http.client
import statistics
import subprocess
import time
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any

from benchmarks.figures import Figure, Log
from swarmtui.adapters.docker.docker_backend import DockerBackend
from swarmtui.adapters.docker.engine_setup import engine_client
from swarmtui.adapters.docker.images import WORKLOAD_IMAGE
from swarmtui.adapters.docker.lab import lab_status
from swarmtui.adapters.docker.lab_machines import LabNodes
from swarmtui.cli.node_connector import open_node
from swarmtui.core.endpoints import Endpoint
from swarmtui.core.models import Node, Task
from swarmtui.nodes.routes import NodeAccess
from swarmtui.session.usage_report import UsageDemand, is_sampled
from swarmtui.session.usage_sampler import UsageSampler

SERVICE = "bench-usage"
START_TIMEOUT = 300.0


@contextmanager
def counted_requests() -> Iterator[Callable[[], int]]:
    """Count the HTTP requests this process sends while inside."""
    count = [0]
    original = http.client.HTTPConnection.putrequest

    def putrequest(self: http.client.HTTPConnection, *args: Any, **kwargs: Any) -> None:
        count[0] += 1
        original(self, *args, **kwargs)

    http.client.HTTPConnection.putrequest = putrequest  # type: ignore[method-assign]
    try:
        yield lambda: count[0]
    finally:
        http.client.HTTPConnection.putrequest = original  # type: ignore[method-assign]


def _start_tasks(manager_url: str, count: int, log: Log) -> tuple[str, list[Task], list[Node]]:
    client = engine_client(manager_url, timeout=120)
    backend = DockerBackend(Endpoint(manager_url, "bench"), timeout=120)
    try:
        for old in client.api.services(filters={"name": SERVICE}):
            client.api.remove_service(old["ID"])
        service = client.api.create_service(
            {"ContainerSpec": {"Image": WORKLOAD_IMAGE, "Args": ["sleep", "100000"]}},
            name=SERVICE,
            mode={"Replicated": {"Replicas": count}},
        )
        service_id = str(service["ID"])
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            tasks = [
                t for t in backend.running_tasks() if t.service_id == service_id and is_sampled(t)
            ]
            if len(tasks) == count:
                break
            if time.monotonic() > deadline:
                raise RuntimeError(f"only {len(tasks)} of {count} tasks running")
            time.sleep(1)
        log(f"{count} tasks running on {len({t.node_id for t in tasks})} nodes")
        return service_id, tasks, backend.nodes()
    finally:
        backend.close()
        client.close()


def _remove(manager_url: str, service_id: str) -> None:
    client = engine_client(manager_url, timeout=120)
    try:
        client.api.remove_service(service_id)
    finally:
        client.close()


def _docker_stats(engine_urls: dict[str, str], tasks: list[Task]) -> float:
    """Seconds for `docker -H <engine> stats --no-stream` of each node's containers, the
    nodes at once."""
    by_node: dict[str, list[str]] = {}
    for task in tasks:
        by_node.setdefault(task.node_id, []).append(task.container_id)

    def stats(node_id: str) -> None:
        argv = ["docker", "-H", engine_urls[node_id], "stats", "--no-stream", "--no-trunc"]
        subprocess.run([*argv, *by_node[node_id]], check=True, capture_output=True, timeout=120)

    started = time.perf_counter()
    with ThreadPoolExecutor(len(by_node)) as pool:
        list(pool.map(stats, by_node))
    return time.perf_counter() - started


def usage_refresh(lab_name: str, count: int, runs: int, log: Log) -> Figure:
    lab = lab_status(lab_name)
    if lab is None:
        raise RuntimeError(f"lab {lab_name} is not up")
    service_id, tasks, nodes = _start_tasks(lab.manager_url, count, log)
    try:
        by_id = {n.id: n for n in nodes}
        engines = {n.id: next(x.api_url for x in lab.nodes if x.name == n.hostname) for n in nodes}
        sampler = UsageSampler(lambda: by_id, list, background=False)
        sampler.enable(NodeAccess(LabNodes(lab_name).machines), open_node)
        sampler.want("tasks", UsageDemand(tasks=tuple(tasks)))
        sampler.sample()  # connections opened, first CPU readings
        times: list[float] = []
        requests: list[int] = []
        figures: list[int] = []
        cli: list[float] = []
        for _ in range(runs):
            with counted_requests() as sent:
                started = time.perf_counter()
                report = sampler.sample()
                times.append(time.perf_counter() - started)
                requests.append(sent())
            figures.append(sum(1 for u in report.tasks.values() if u.cpu_percent is not None))
            cli.append(_docker_stats(engines, tasks))
        sampler.close()
    finally:
        _remove(lab.manager_url, service_id)
    ours, theirs = statistics.median(times), statistics.median(cli)
    per_refresh = Counter(requests).most_common(1)[0][0]
    log(f"usage refresh: {times} s, requests {requests}; docker stats {cli} s")
    return Figure(
        f"12. Usage refresh, {count} tasks in view",
        f"{ours * 1000:.0f} ms, {per_refresh} requests",
        f"{theirs * 1000:.0f} ms (docker stats --no-stream, one per node, nodes at once)",
        f"{count} requests (one per task in view, none per swarm task), faster than the CLI",
        per_refresh == count and ours < theirs and min(figures) == count,
        note=f"{len(engines)} nodes' engines, connections kept; CPU from two one-shot readings",
        raw={"refresh_s": times, "requests": requests, "cli_s": cli, "tasks": count},
    )
