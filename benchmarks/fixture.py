"""The benchmark swarm: a lab of its own with N services and 10*N tasks, reused across runs.

Tasks stay Pending through a constraint no node satisfies, so 10,000 tasks cost no
containers. `bench-0000` carries most of them (the heavy case for the tasks pane and for
`docker service ps`); every other service has one task.
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from swarmtui.adapters.docker.docker_backend import DockerBackend
from swarmtui.adapters.docker.engine_setup import engine_client
from swarmtui.adapters.docker.images import WORKLOAD_IMAGE
from swarmtui.adapters.docker.lab import Lab, lab_up
from swarmtui.core.endpoints import Endpoint

FIXTURE_LABEL = "swarmtui.bench"
UNSATISFIABLE = "node.labels.never==1"


def service_spec(name: str, replicas: int, size: int) -> dict[str, Any]:
    return {
        "Name": name,
        "Labels": {FIXTURE_LABEL: str(size)},
        "TaskTemplate": {
            "ContainerSpec": {"Image": WORKLOAD_IMAGE, "Args": ["sleep", "100000"]},
            "Placement": {"Constraints": [UNSATISFIABLE]},
        },
        "Mode": {"Replicated": {"Replicas": replicas}},
    }


def fixture_plan(services: int, tasks: int) -> dict[str, int]:
    """Service name -> replicas: one big service, the rest with one pending task each."""
    big = tasks - (services - 1)
    plan = {"bench-0000": big}
    plan.update({f"bench-{i:04d}": 1 for i in range(1, services)})
    return plan


def ensure_fixture(
    lab_name: str, services: int, tasks: int, log: Any, workers: int = 2
) -> tuple[Lab, float]:
    """Bring up the lab and its services; returns the lab and the seconds spent creating."""
    lab = lab_up(lab_name, 1, workers, log=log)
    client = engine_client(lab.manager_url, timeout=120)
    try:
        existing = {
            s["Spec"]["Name"]
            for s in client.api.services(filters={"label": f"{FIXTURE_LABEL}={services}"})
        }
    finally:
        client.close()
    plan = {n: r for n, r in fixture_plan(services, tasks).items() if n not in existing}
    started = time.monotonic()
    if plan:
        log(f"creating {len(plan)} services ({sum(plan.values())} tasks) through the API")
        backend = DockerBackend(Endpoint(lab.manager_url, "bench"), timeout=120)
        try:
            mutator = backend.mutator()
            with ThreadPoolExecutor(8) as pool:
                list(
                    pool.map(
                        lambda item: mutator.create_service(
                            service_spec(item[0], item[1], services)
                        ),
                        plan.items(),
                    )
                )
        finally:
            backend.close()
    wait_for_tasks(lab.manager_url, tasks, log)
    return lab, time.monotonic() - started


def wait_for_tasks(manager_url: str, tasks: int, log: Any, timeout: float = 600) -> None:
    client = engine_client(manager_url, timeout=120)
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            count = len(client.api.tasks(filters={"desired-state": "running"}))
            if count >= tasks:
                return
            log(f"{count}/{tasks} tasks created")
            time.sleep(3)
    finally:
        client.close()
    raise TimeoutError(f"the swarm did not reach {tasks} tasks in {timeout} s")
