"""The engine side of stack deploy and remove: objects by label or exact name, networks,
secrets and configs created, updated and removed, whole service specs replaced, images
pinned to their digest."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, Literal

import docker
import docker.errors

from swarmtui.adapters.docker.engine_http import engine_url, get, post_json, raise_for_status
from swarmtui.core.errors import BackendError
from swarmtui.ports import NamedObjectKind, ResolvedImage, StackObjectKind

Spec = dict[str, Any]
_LIST_PATHS = {
    "task": "tasks",
    "service": "services",
    "network": "networks",
    "secret": "secrets",
    "config": "configs",
}


class StackWrites:
    """Mixed into the docker Mutations: uses its API client, guard and retrying update."""

    # Provided by Mutations: the API client, the error classifier and the retrying update.
    _api: docker.APIClient
    _guard: Callable[[Callable[[], Any]], Any]
    _update_with_retry: Callable[
        [Callable[[], Spec], Callable[[Spec, int], Any], Callable[[Spec], None]], None
    ]

    def _list(self, kind: StackObjectKind, filters: dict[str, list[str]]) -> list[Spec]:
        def call() -> list[Spec]:
            response = get(
                self._api,
                engine_url(self._api, f"/{_LIST_PATHS[kind]}"),
                params={"filters": json.dumps(filters)},
            )
            raise_for_status(response)
            result: list[Spec] = response.json()
            return result

        listed: list[Spec] = self._guard(call)
        return listed

    def labelled(self, kind: StackObjectKind, label: str) -> list[Spec]:
        return self._list(kind, {"label": [label]})

    def listed(self, kind: StackObjectKind) -> list[Spec]:
        return self._list(kind, {})

    def find(self, kind: NamedObjectKind, name: str) -> Spec | None:
        for entry in self._list(kind, {"name": [name]}):
            entry_name = (
                entry.get("Name") if kind == "network" else entry.get("Spec", {}).get("Name")
            )
            if entry_name == name:
                return entry
        return None

    def create_network(self, name: str, body: Spec) -> str:
        result = self._guard(
            lambda: post_json(self._api, "/networks/create", {"Name": name, **body}, {})
        )
        return str(result["Id"])

    def create_object(self, kind: Literal["secret", "config"], spec: Spec) -> str:
        result = self._guard(lambda: post_json(self._api, f"/{kind}s/create", spec, {}))
        return str(result["ID"])

    def update_object(
        self, kind: Literal["secret", "config"], object_id: str, version: int, spec: Spec
    ) -> None:
        self._guard(
            lambda: post_json(self._api, f"/{kind}s/{object_id}/update", spec, {"version": version})
        )

    def remove_object(self, kind: NamedObjectKind, object_id: str) -> None:
        def call() -> None:
            url = engine_url(self._api, f"/{kind}s/{{0}}", object_id)
            raise_for_status(self._api.delete(url, timeout=self._api.timeout))

        self._guard(call)

    def replace_service(self, service_id: str, build: Callable[[Spec], Spec]) -> None:
        current: dict[str, Spec] = {}

        def inspect() -> Spec:
            current["service"] = self._api.inspect_service(service_id)
            return current["service"]

        def edit(spec: Spec) -> None:
            replacement = build(current["service"])
            spec.clear()
            spec.update(replacement)

        def post(spec: Spec, version: int) -> Any:
            return post_json(
                self._api, f"/services/{service_id}/update", spec, {"version": version}
            )

        self._guard(lambda: self._update_with_retry(inspect, post, edit))

    def resolve_image(self, image: str) -> ResolvedImage | None:
        try:
            data = self._api.inspect_distribution(image)
        except (docker.errors.DockerException, OSError, BackendError):
            return None
        digest = str((data.get("Descriptor") or {}).get("digest") or "")
        if not digest:
            return None
        reference = image if "@" in image else f"{image}@{digest}"
        platforms = tuple(
            (str(p.get("architecture", "")), str(p.get("os", "")))
            for p in data.get("Platforms") or []
        )
        return ResolvedImage(reference, platforms)
