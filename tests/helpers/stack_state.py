"""What a stack is on the engine, read through docker-py, in a form two deployments of the
same files can be compared in: every service spec, network, secret and config of the stack,
with the stack's name and the engine's ids normalised away, and a readable list of what
differs.

Normalised, and nothing else (everything the engine returns in a `Spec` is compared):
- the stack name: `NAME` and `NAME_...` become `<STACK>` and `<STACK>_...` in every string
  (object names, the namespace label, secret/config/volume/network names in references);
- ids the engine made: network targets in TaskTemplate.Networks become the network's name,
  SecretID/ConfigID become the name of the secret/config they point to;
- what the engine allocates to an overlay network, another value for each network: its
  IPAM.Config when the subnet lies inside the swarm's default address pool, and its VXLAN id
  (the option com.docker.network.driver.overlay.vxlanid_list);
- a service's PreviousSpec is kept as its presence only (updated or not), its content is the
  previous phase's spec, compared there;
- a secret's data: the engine never returns it.
"""

from __future__ import annotations

import contextlib
import ipaddress
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import docker.errors

from helpers.waiting import wait_for

NAMESPACE_LABEL = "com.docker.stack.namespace"
STACK = "<STACK>"
ABSENT = "<absent>"
ALLOCATED = "<allocated by the engine>"
VXLAN_OPTION = "com.docker.network.driver.overlay.vxlanid_list"
NETWORK_FIELDS = ("Driver", "Options", "Labels", "Attachable", "Internal", "Scope", "Ingress")

State = dict[str, dict[str, Any]]


@dataclass(frozen=True)
class StackSnapshot:
    """A stack as the engine holds it: STATE normalised for comparison, and the raw ids and
    versions of its services (by normalised name) to tell an update in place."""

    state: State
    service_ids: dict[str, str] = field(default_factory=dict)
    service_versions: dict[str, int] = field(default_factory=dict)


def namespace_filter(stack: str) -> dict[str, str]:
    return {"label": f"{NAMESPACE_LABEL}={stack}"}


def stack_objects(client: Any, stack: str) -> dict[str, list[str]]:
    """Names of every service, network, secret and config labelled as STACK's."""
    api, where = client.api, namespace_filter(stack)
    return {
        "services": sorted(s["Spec"]["Name"] for s in api.services(filters=where)),
        "networks": sorted(n["Name"] for n in api.networks(filters=where)),
        "secrets": sorted(s["Spec"]["Name"] for s in api.secrets(filters=where)),
        "configs": sorted(c["Spec"]["Name"] for c in api.configs(filters=where)),
    }


def snapshot(client: Any, stack: str, allocation_timeout: float = 60.0) -> StackSnapshot:
    """STACK's objects on the engine, normalised. Waits until the swarm allocated every
    network of the stack (a network is listed before its driver and subnet are filled in) and
    the endpoint of every service: the allocator updates a service after its creation or
    update, and a deploy that read the service before that fails "update out of sequence"."""
    api, where = client.api, namespace_filter(stack)
    (networks,) = wait_for(
        lambda: _allocated(api.networks(filters=where)),
        allocation_timeout,
        f"the networks of stack {stack} to be allocated",
    )
    ids = _Names(
        networks={n["Id"]: n["Name"] for n in api.networks()},
        secrets={s["ID"]: s["Spec"]["Name"] for s in api.secrets()},
        configs={c["ID"]: c["Spec"]["Name"] for c in api.configs()},
    )
    (services,) = wait_for(
        lambda: _endpoints_allocated(api.services(filters=where)),
        allocation_timeout,
        f"the endpoints of stack {stack}'s services to be allocated",
    )
    pools = _default_pools(client)
    rename = renamer(stack)
    state: State = {
        "services": {rename(s["Spec"]["Name"]): _service(s, ids, rename) for s in services},
        "networks": {rename(n["Name"]): _network(n, pools, rename) for n in networks},
        "secrets": {
            rename(s["Spec"]["Name"]): normalise(s["Spec"], rename)
            for s in api.secrets(filters=where)
        },
        "configs": {
            rename(c["Spec"]["Name"]): normalise(c["Spec"], rename)
            for c in api.configs(filters=where)
        },
    }
    return StackSnapshot(
        state,
        service_ids={rename(s["Spec"]["Name"]): s["ID"] for s in services},
        service_versions={rename(s["Spec"]["Name"]): s["Version"]["Index"] for s in services},
    )


def differences(reference: Any, other: Any, path: str = "") -> list[str]:
    """Where OTHER differs from REFERENCE: one line per leaf, `path: reference vs other`."""
    if isinstance(reference, dict) and isinstance(other, dict):
        found: list[str] = []
        for key in sorted(set(reference) | set(other), key=str):
            found += differences(
                reference.get(key, ABSENT), other.get(key, ABSENT), f"{path}.{key}".lstrip(".")
            )
        return found
    if isinstance(reference, list) and isinstance(other, list) and len(reference) == len(other):
        found = []
        for index, (left, right) in enumerate(zip(reference, other, strict=True)):
            found += differences(left, right, f"{path}[{index}]")
        return found
    if reference != other:
        return [f"{path}: {_show(reference)} vs {_show(other)}"]
    return []


def normalise(value: Any, rename: Callable[[str], str]) -> Any:
    """VALUE with every string passed through RENAME (the stack name), recursively."""
    if isinstance(value, str):
        return rename(value)
    if isinstance(value, dict):
        return {key: normalise(item, rename) for key, item in value.items()}
    if isinstance(value, list):
        return [normalise(item, rename) for item in value]
    return value


def remove_stack_objects(client: Any, stack: str, timeout: float = 60.0) -> None:
    """Remove whatever is labelled as STACK's, through docker-py (the cleanup of a test that
    failed half way): services, and once their tasks are gone, the rest."""
    api, where = client.api, namespace_filter(stack)
    remove_services_and_tasks(client, stack, timeout)
    for secret in api.secrets(filters=where):
        with contextlib.suppress(docker.errors.NotFound):
            api.remove_secret(secret["ID"])
    for config in api.configs(filters=where):
        with contextlib.suppress(docker.errors.NotFound):
            api.remove_config(config["ID"])
    for network in api.networks(filters=where):
        with contextlib.suppress(docker.errors.NotFound):
            api.remove_network(network["Id"])


def remove_services_and_tasks(client: Any, stack: str, timeout: float = 60.0) -> None:
    """Remove STACK's services and wait until their tasks are gone too. A network removed
    while tasks that were never scheduled still hold an address in it makes engine 20.10 lose
    those tasks' addresses, on the ingress network too: each such removal takes one address
    per task from the swarm's ingress for good (measured: 249 free at first, 5 fewer after one
    `docker stack rm` of a 5-task service with a published port), until no service can
    publish a port any more. So networks go only after the tasks. Not waited for: the tasks of
    a replicated job that never ran, which engine 20.10 keeps after their service is gone
    (pending, desired state complete) and never removes."""
    api = client.api
    removed = set()
    for service in api.services(filters=namespace_filter(stack)):
        with contextlib.suppress(docker.errors.NotFound):
            api.remove_service(service["ID"])
        removed.add(service["ID"])

    def tasks_gone() -> bool:
        return not any(
            task["ServiceID"] in removed and task["DesiredState"] != "complete"
            for task in api.tasks()
        )

    wait_for(tasks_gone, timeout, f"the tasks of stack {stack}'s services to go", step=0.3)


def wait_stack_gone(client: Any, stack: str, timeout: float = 60.0) -> None:
    """Wait until nothing labelled as STACK's is left (networks go last, after the tasks)."""

    def gone() -> bool:
        return not any(stack_objects(client, stack).values())

    wait_for(gone, timeout, f"every object of stack {stack} to be removed", step=0.3)


@dataclass(frozen=True)
class _Names:
    networks: Mapping[str, str]
    secrets: Mapping[str, str]
    configs: Mapping[str, str]


def renamer(stack: str) -> Callable[[str], str]:
    prefix = f"{stack}_"

    def rename(text: str) -> str:
        if text == stack:
            return STACK
        if text.startswith(prefix):
            return f"{STACK}_{text[len(prefix) :]}"
        return text

    return rename


def _allocated(networks: list[dict[str, Any]]) -> tuple[list[dict[str, Any]]] | None:
    """NETWORKS once all of them have a driver (in a tuple: an empty list is an answer too)."""
    return (networks,) if all(n.get("Driver") for n in networks) else None


def _endpoints_allocated(services: list[dict[str, Any]]) -> tuple[list[dict[str, Any]]] | None:
    """SERVICES once the allocator caught up with each one's latest endpoint spec."""
    for service in services:
        wanted = service["Spec"].get("EndpointSpec", {})
        needs_allocation = wanted.get("Mode", "vip") == "vip" or wanted.get("Ports")
        if needs_allocation and service.get("Endpoint", {}).get("Spec") != wanted:
            return None
    return (services,)


def _service(service: dict[str, Any], ids: _Names, rename: Callable[[str], str]) -> Any:
    spec = service["Spec"]
    task = spec.get("TaskTemplate", {})
    for attachment in [*task.get("Networks", []), *spec.get("Networks", [])]:
        attachment["Target"] = ids.networks.get(attachment["Target"], attachment["Target"])
    container = task.get("ContainerSpec", {})
    for reference in container.get("Secrets", []):
        reference["SecretID"] = ids.secrets.get(reference["SecretID"], reference["SecretID"])
    for reference in container.get("Configs", []):
        reference["ConfigID"] = ids.configs.get(reference["ConfigID"], reference["ConfigID"])
    normalised = normalise(spec, rename)
    normalised["(has PreviousSpec)"] = "PreviousSpec" in service
    return normalised


def _network(
    network: dict[str, Any], pools: list[ipaddress.IPv4Network], rename: Callable[[str], str]
) -> Any:
    fields: dict[str, Any] = {key: network.get(key) for key in NETWORK_FIELDS}
    options = fields["Options"] or {}
    if VXLAN_OPTION in options:
        fields["Options"] = {**options, VXLAN_OPTION: ALLOCATED}
    ipam = dict(network.get("IPAM") or {})
    ipam["Config"] = [_subnet_config(c, pools) for c in ipam.get("Config") or []]
    fields["IPAM"] = ipam
    return normalise(fields, rename)


def _subnet_config(config: dict[str, Any], pools: list[ipaddress.IPv4Network]) -> Any:
    try:
        subnet = ipaddress.ip_network(config.get("Subnet", ""), strict=False)
    except ValueError:
        return config
    if any(subnet.version == p.version and subnet.subnet_of(p) for p in pools):
        return {key: ALLOCATED for key in config}
    return config


def _default_pools(client: Any) -> list[ipaddress.IPv4Network]:
    pools = client.api.inspect_swarm().get("DefaultAddrPool") or ["10.0.0.0/8"]
    return [ipaddress.IPv4Network(p) for p in pools]


def _show(value: Any) -> str:
    return value if value == ABSENT else repr(value)
