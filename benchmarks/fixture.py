"""The benchmark swarm: a lab of its own with N services and 10*N tasks, reused across runs.

Tasks stay Pending through a constraint no node satisfies, so 10,000 tasks cost no
containers. `bench-0000` carries most of them (the heavy case for the tasks pane and for
`docker service ps`); every other service has one task. A fixture of another size on the
same lab is reached by growing (or shrinking) what is there: the services already made are
kept, `bench-0000` is rescaled, the missing ones are created, the extra ones removed.
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
    started = time.monotonic()
    grow_fixture(lab.manager_url, services, tasks, log)
    return lab, time.monotonic() - started


def existing_fixture(manager_url: str) -> dict[str, tuple[str, int]]:
    """Name -> (id, replicas) of the fixture's services on the lab, whatever size made them."""
    client = engine_client(manager_url, timeout=120)
    try:
        found = client.api.services(filters={"label": FIXTURE_LABEL})
    finally:
        client.close()
    return {
        s["Spec"]["Name"]: (
            s["ID"],
            int(s["Spec"]["Mode"].get("Replicated", {}).get("Replicas", 0)),
        )
        for s in found
    }


def grow_fixture(manager_url: str, services: int, tasks: int, log: Any) -> None:
    """Make the lab's fixture SERVICES services and TASKS tasks, keeping what is there."""
    plan = fixture_plan(services, tasks)
    existing = existing_fixture(manager_url)
    missing = {n: r for n, r in plan.items() if n not in existing}
    rescaled = {n: r for n, r in plan.items() if n in existing and existing[n][1] != r}
    extra = [service_id for n, (service_id, _) in existing.items() if n not in plan]
    if missing or rescaled or extra:
        log(
            f"fixture to {services} services: {len(missing)} to create "
            f"({sum(missing.values())} tasks), {len(rescaled)} to rescale, {len(extra)} to remove"
        )
        backend = DockerBackend(Endpoint(manager_url, "bench"), timeout=120)
        try:
            mutator = backend.mutator()
            for name, replicas in rescaled.items():
                mutator.scale_service(existing[name][0], replicas)
            with ThreadPoolExecutor(8) as pool:
                list(pool.map(mutator.remove_service, extra))
                list(
                    pool.map(
                        lambda item: mutator.create_service(
                            service_spec(item[0], item[1], services)
                        ),
                        missing.items(),
                    )
                )
        finally:
            backend.close()
    wait_for_tasks(manager_url, tasks, log)


def wait_for_tasks(manager_url: str, tasks: int, log: Any, timeout: float = 0) -> None:
    """Until the swarm has TASKS tasks; a list of 50,000 tasks is large (about 100 MB of
    JSON), so a big fixture is asked less often and given longer."""
    timeout = timeout or 600 + tasks * 0.03
    pause = max(3.0, tasks / 5000)
    client = engine_client(manager_url, timeout=300)
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            count = len(client.api.tasks(filters={"desired-state": "running"}))
            if count >= tasks:
                return
            log(f"{count}/{tasks} tasks created")
            time.sleep(pause)
    finally:
        client.close()
    raise TimeoutError(f"the swarm did not reach {tasks} tasks in {timeout:.0f} s")
