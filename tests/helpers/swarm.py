"""Engine-side helpers for end-to-end tests: what another client does, through docker-py
(never through swarmtui), so tests can set the scene and check the engine's state."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Any

import docker.errors

Spec = dict[str, Any]
IMAGE_V2 = "swarmtui-workload:2"  # a second tag of the workload image, made on every node


def create_service(client: Any, spec: Spec) -> str:
    api = client.api
    response = api._post_json(api._url("/services/create"), data=spec)
    return str(api._result(response, True)["ID"])


def inspect_service(client: Any, service_id: str) -> Spec:
    data: Spec = client.api.inspect_service(service_id)
    return data


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
    api = client.api
    current = api.inspect_service(service_id)
    spec = current["Spec"]
    edit(spec)
    response = api._post_json(
        api._url("/services/{0}/update", service_id),
        data=spec,
        params={"version": current["Version"]["Index"]},
    )
    api._raise_for_status(response)
