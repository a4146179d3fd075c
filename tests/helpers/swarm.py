"""Engine-side helpers for end-to-end tests: what another client does, through docker-py
(never through swarmtui), so tests can set the scene and check the engine's state."""

from __future__ import annotations

import atexit
import contextlib
import sys
from collections.abc import Callable, Iterator
from typing import Any, Generic, TypeVar

import docker.errors

from helpers.waiting import wait_for
from swarmtui.adapters.docker.docker_backend import DockerBackend
from swarmtui.adapters.docker.engine_setup import engine_client
from swarmtui.adapters.docker.images import WORKLOAD_IMAGE
from swarmtui.adapters.docker.lab import Lab, lab_down, lab_up
from swarmtui.adapters.docker.mutations import Mutations
from swarmtui.core.endpoints import Endpoint

Spec = dict[str, Any]
IMAGE_V2 = "swarmtui-workload:2"  # a second tag of the workload image, made on every node


def post_json(client: Any, path: str, body: Spec, params: Spec | None = None) -> Any:
    """POST BODY as JSON to the engine's API at PATH (with the client's API version), through
    the requests session docker-py's client is: specs go to the engine exactly as written."""
    api = client.api
    response = api.post(f"{api.base_url}/v{api.api_version}{path}", json=body, params=params)
    if not response.ok:
        try:
            message = str(response.json()["message"])
        except (ValueError, KeyError, TypeError):
            message = response.text.strip()
        raise docker.errors.APIError(f"POST {path}", response, explanation=message)
    return response.json() if response.content else None


def create_service(client: Any, spec: Spec) -> str:
    """Create a service from a raw ServiceSpec; its id."""
    return str(post_json(client, "/services/create", spec)["ID"])


def ping_service(client: Any, name: str, replicas: int) -> Any:
    """A replicated service of the workload image pinging itself (docker-py's Service)."""
    return client.services.create(
        WORKLOAD_IMAGE,
        command=["ping", "127.0.0.1"],
        name=name,
        mode={"Replicated": {"Replicas": replicas}},
        stop_grace_period=1_000_000_000,  # busybox ping as PID 1 ignores SIGTERM
    )


def running_tasks(client: Any, service_id: str) -> list[Spec]:
    """The tasks of the service that run and are meant to."""
    tasks: list[Spec] = client.api.tasks(filters={"service": service_id})
    return [
        t for t in tasks if t["Status"]["State"] == "running" and t["DesiredState"] == "running"
    ]


def inspect_service(client: Any, service_id: str) -> Spec:
    data: Spec = client.api.inspect_service(service_id)
    return data


def allocated_service(client: Any, service_id: str, timeout: float = 60.0) -> Spec:
    """The service's inspect JSON once the engine has allocated what its spec publishes
    (the allocator updates a new service a moment after its creation: another version)."""

    def allocated() -> Spec | None:
        data = inspect_service(client, service_id)
        published = data["Spec"].get("EndpointSpec", {}).get("Ports")
        return data if not published or data.get("Endpoint", {}).get("Ports") else None

    return wait_for(allocated, timeout, f"service {service_id}'s ports allocated", step=0.2)


def services_named(client: Any, prefix: str) -> dict[str, Spec]:
    """The services whose name starts with PREFIX: name -> inspect JSON."""
    found = client.api.services(filters={"name": prefix})
    return {s["Spec"]["Name"]: s for s in found if s["Spec"]["Name"].startswith(prefix)}


def remove_services(client: Any, prefix: str) -> None:
    for service in services_named(client, prefix).values():
        with contextlib.suppress(docker.errors.NotFound):
            client.api.remove_service(service["ID"])


def update_service_raw(client: Any, service_id: str, edit: Callable[[Spec], None]) -> None:
    """Someone else's update: inspect, edit, post with the fresh version."""
    current = client.api.inspect_service(service_id)
    spec = current["Spec"]
    edit(spec)
    post_json(
        client, f"/services/{service_id}/update", spec, {"version": current["Version"]["Index"]}
    )


@contextlib.contextmanager
def lab_of_run(
    name: str, managers: int, workers: int, log: Callable[[str], None], **options: Any
) -> Iterator[Lab]:
    """A lab brought up for this run and removed after it: by the context's exit, or at the
    interpreter's exit when a run is cut short and skips fixture teardown."""

    def remove() -> None:
        lab_down(name)

    atexit.register(remove)
    try:
        yield lab_up(name, managers, workers, log=log, **options)
    finally:
        log(f"removing lab {name}")
        remove()
        atexit.unregister(remove)


def lab_logger(tag: str) -> Callable[[str], None]:
    """What a lab reports while it comes up or goes, on stderr, marked with TAG."""

    def log(message: str) -> None:
        print(f"[{tag}] {message}", file=sys.stderr, flush=True)

    return log


@contextlib.contextmanager
def client_of(url: str) -> Iterator[Any]:
    """docker-py's client of the engine at URL, closed afterwards."""
    client = engine_client(url)
    try:
        yield client
    finally:
        client.close()


@contextlib.contextmanager
def drained_nodes(client: Any, timeout: float = 120.0) -> Iterator[None]:
    """Every node of the swarm drained for the context (restored after, also on failure), once
    no task runs any more: services created meanwhile get no task, no node pulls an image."""
    api = client.api
    availability = {n["ID"]: n["Spec"]["Availability"] for n in api.nodes()}
    try:
        for node_id in availability:
            _set_availability(api, node_id, "drain")
        wait_for(
            lambda: not any(t["Status"]["State"] == "running" for t in api.tasks()),
            timeout,
            "the tasks on the drained nodes to stop",
            step=0.5,
        )
        yield
    finally:
        for node_id, original in availability.items():
            with contextlib.suppress(docker.errors.NotFound):
                _set_availability(api, node_id, original)


def _set_availability(api: Any, node_id: str, availability: str) -> None:
    node = api.inspect_node(node_id)
    spec = {**node["Spec"], "Availability": availability}
    api.update_node(node_id, node["Version"]["Index"], spec)


def pinned_service(name: str, node: str, image: str = WORKLOAD_IMAGE) -> Spec:
    """One replica of IMAGE sleeping on the node named NODE."""
    return {
        "Name": name,
        "TaskTemplate": {
            "ContainerSpec": {"Image": image, "Command": ["sleep", "1d"]},
            "Placement": {"Constraints": [f"node.hostname=={node}"]},
        },
        "Mode": {"Replicated": {"Replicas": 1}},
    }


def remove_secrets_named(client: Any, name: str) -> None:
    """Remove the swarm secret NAME if it exists (a test's cleanup)."""
    for secret in client.secrets.list():
        if secret.name == name:
            secret.remove()


MutationsT = TypeVar("MutationsT", bound=Mutations)


class BackendWithMutations(DockerBackend, Generic[MutationsT]):
    """The real backend whose writes go through a test's Mutations subclass (made by
    MAKE from the backend's API client and endpoint label), kept as `.mutations`."""

    def __init__(self, endpoint: Endpoint, make: Callable[[Any, str], MutationsT]) -> None:
        super().__init__(endpoint)
        self.mutations = make(self._api, endpoint.display)

    def mutator(self) -> Mutations:
        return self.mutations
