"""Writes to the swarm: inspect the current object, edit its raw spec, post it with its version.

Never docker-py's model helpers (cached versions) nor `update_service` without the current
spec (it resets unset fields). A stale version ("update out of sequence", rolling updates bump
it on their own) is retried on a fresh inspect.
"""

from __future__ import annotations

import copy
import time
from collections.abc import Callable
from typing import Any

import docker
import docker.errors

from swarmtui.adapters.docker.engine_http import post_json
from swarmtui.adapters.docker.errors import classify
from swarmtui.adapters.docker.stack_writes import StackWrites
from swarmtui.core.errors import BackendError, ProblemKind

Spec = dict[str, Any]
OUT_OF_SEQUENCE = "update out of sequence"
MAX_ATTEMPTS = 5


class Mutations(StackWrites):
    def __init__(self, api: docker.APIClient, endpoint: str) -> None:
        self._api = api
        self._endpoint = endpoint
        self.retries = 0  # how many stale-version retries happened (tests read it)

    def _guard(self, call: Callable[[], Any]) -> Any:
        try:
            return call()
        except BackendError:
            raise
        except Exception as exc:
            raise classify(exc, self._endpoint) from exc

    def _post(self, path: str, data: Any, **params: Any) -> Any:
        return post_json(self._api, path, data, params)

    def _update_with_retry(
        self,
        inspect: Callable[[], Spec],
        post: Callable[[Spec, int], Any],
        edit: Callable[[Spec], None],
    ) -> None:
        for attempt in range(MAX_ATTEMPTS):
            current = inspect()
            spec = copy.deepcopy(current["Spec"])
            edit(spec)
            try:
                post(spec, int(current["Version"]["Index"]))
                return
            except docker.errors.APIError as exc:
                if (
                    OUT_OF_SEQUENCE not in str(exc.explanation or exc)
                    or attempt == MAX_ATTEMPTS - 1
                ):
                    raise
                self.retries += 1
                time.sleep(0.05 * (attempt + 1))

    # Services ---------------------------------------------------------------------------

    def _inspect_service(self, service_id: str) -> Spec:
        data: Spec = self._api.inspect_service(service_id)
        return data

    def _update_service(self, service_id: str, edit: Callable[[Spec], None], **params: Any) -> None:
        def post(spec: Spec, version: int) -> Any:
            return self._post(f"/services/{service_id}/update", spec, version=version, **params)

        self._guard(
            lambda: self._update_with_retry(lambda: self._inspect_service(service_id), post, edit)
        )

    def scale_service(self, service_id: str, replicas: int) -> None:
        def edit(spec: Spec) -> None:
            mode = spec.get("Mode", {})
            if "Replicated" not in mode:
                raise BackendError(
                    ProblemKind.ENGINE_ERROR, "Only replicated services can be scaled."
                )
            mode["Replicated"]["Replicas"] = replicas

        self._update_service(service_id, edit)

    def update_service_image(self, service_id: str, image: str) -> None:
        def edit(spec: Spec) -> None:
            spec["TaskTemplate"]["ContainerSpec"]["Image"] = image

        self._update_service(service_id, edit)

    def force_update_service(self, service_id: str) -> None:
        def edit(spec: Spec) -> None:
            template = spec["TaskTemplate"]
            template["ForceUpdate"] = int(template.get("ForceUpdate", 0)) + 1

        self._update_service(service_id, edit)

    def rollback_service(self, service_id: str) -> None:
        def check(spec: Spec) -> None:
            return None

        current = self._guard(lambda: self._inspect_service(service_id))
        if "PreviousSpec" not in current:
            raise BackendError(
                ProblemKind.ENGINE_ERROR,
                "This service has no previous spec to roll back to.",
            )
        self._update_service(service_id, check, rollback="previous")

    def remove_service(self, service_id: str) -> None:
        self._guard(lambda: self._api.remove_service(service_id))

    def create_service(self, spec: Spec) -> str:
        result = self._guard(lambda: self._post("/services/create", spec))
        return str(result["ID"])

    # Nodes ------------------------------------------------------------------------------

    def _update_node(self, node_id: str, edit: Callable[[Spec], None]) -> None:
        def post(spec: Spec, version: int) -> Any:
            return self._post(f"/nodes/{node_id}/update", spec, version=version)

        self._guard(
            lambda: self._update_with_retry(lambda: self._api.inspect_node(node_id), post, edit)
        )

    def set_node_availability(self, node_id: str, availability: str) -> None:
        self._update_node(node_id, lambda spec: spec.__setitem__("Availability", availability))

    def set_node_role(self, node_id: str, role: str) -> None:
        self._update_node(node_id, lambda spec: spec.__setitem__("Role", role))

    def set_node_labels(self, node_id: str, add: dict[str, str], remove: list[str]) -> None:
        def edit(spec: Spec) -> None:
            labels = dict(spec.get("Labels") or {})
            for key in remove:
                labels.pop(key, None)
            labels.update(add)
            spec["Labels"] = labels

        self._update_node(node_id, edit)

    def remove_node(self, node_id: str, force: bool) -> None:
        self._guard(lambda: self._api.remove_node(node_id, force=force))

    # Swarm ------------------------------------------------------------------------------

    def join_tokens(self) -> tuple[str, str]:
        data = self._guard(self._api.inspect_swarm)
        tokens = data.get("JoinTokens", {})
        return str(tokens.get("Worker", "")), str(tokens.get("Manager", ""))

    def rotate_join_token(self, role: str) -> None:
        """Rotate one token, posting the current full spec so nothing else is reset."""

        def post() -> None:
            data = self._api.inspect_swarm()
            flag = "rotateWorkerToken" if role == "worker" else "rotateManagerToken"
            params = {"version": int(data["Version"]["Index"]), flag: "true"}
            self._post("/swarm/update", data["Spec"], **params)

        self._guard(post)

    def leave_swarm(self, force: bool) -> None:
        self._guard(lambda: self._api.leave_swarm(force=force))
