"""A swarm node's own engine, for a shell in one of its containers (or in its dind node).

The manager's Engine API execs only into its own containers: this opens the engine of the
node a task runs on, through a route of `swarmtui.nodes.routes` (the manager in use, a dind
machine's published engine, a docker context).
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import docker
import docker.errors

from swarmtui.adapters.docker.docker_backend import tls_config
from swarmtui.adapters.docker.engine_setup import LOCAL_ENGINE_URL
from swarmtui.adapters.docker.errors import classify
from swarmtui.adapters.docker.exec_stream import EngineShellStream
from swarmtui.core.endpoints import Endpoint, EndpointError, context_endpoint
from swarmtui.core.errors import BackendError, ProblemKind
from swarmtui.core.secrets import mask_secrets
from swarmtui.core.usage import ContainerUsage, usage_from_stats
from swarmtui.nodes.routes import NodeRoute

CONNECT_TIMEOUT = 5.0
PROBE_TIMEOUT = 20.0
# One-shot stats of a node's containers asked this many at a time. The engine answers a
# one-shot request with the next reading of its stats collector, which reads every container
# once a second: requests sent together are answered together, within that second, however
# many there are; sent a few at a time they would wait a second per batch.
STATS_IN_FLIGHT = 32


class EngineNodeConnection:
    """The engine at a route's URL or docker context; a dind node's own container is reached
    on the local engine, where the dind machines run."""

    def __init__(
        self,
        route: NodeRoute,
        env: dict[str, str] | None = None,
        endpoint: Endpoint | None = None,
    ) -> None:
        """ENDPOINT: the engine as the console reached it (its TLS files included), for the
        route to the manager in use."""
        self._route = route
        self._endpoint = endpoint or _endpoint_of(route, os.environ if env is None else env)
        self._api = _open(self._endpoint, route.label)

    @property
    def description(self) -> str:
        return f"{self._route.label} engine {self._endpoint.display}"

    def container_running(self, container_id: str) -> bool | None:
        return _running(self._api, container_id, self.description)

    def run_in_container(self, container_id: str, argv: tuple[str, ...]) -> tuple[int, str]:
        return _run(self._api, container_id, argv, self.description)

    def open_container_shell(
        self, container_id: str, argv: tuple[str, ...], columns: int, rows: int, term: str
    ) -> EngineShellStream:
        return _open_shell(self._api, container_id, argv, columns, rows, term, self.description)

    def open_host_shell(
        self, argv: tuple[str, ...], columns: int, rows: int, term: str
    ) -> EngineShellStream:
        container = self._route.machine_container
        if not container:
            raise BackendError(
                ProblemKind.ENGINE_ERROR,
                f"{self.description} reaches the engine, not the host: no shell on the node.",
            )
        local = _open(Endpoint(LOCAL_ENGINE_URL, "local"), "local")
        try:
            stream = _open_shell(local, container, argv, columns, rows, term, "the local engine")
        except BaseException:
            local.close()
            raise
        stream.also_close(local)
        return stream

    def container_state(self, container_id: str) -> dict[str, Any] | None:
        try:
            state = self._api.inspect_container(container_id).get("State")
        except docker.errors.NotFound:
            return None
        except Exception as exc:
            raise classify(exc, self.description) from exc
        return state if isinstance(state, dict) else {}

    def container_usage(self, container_ids: tuple[str, ...]) -> dict[str, ContainerUsage]:
        if not container_ids:
            return {}
        workers = min(STATS_IN_FLIGHT, len(container_ids))
        with ThreadPoolExecutor(workers, thread_name_prefix="stats") as pool:
            answers = list(pool.map(self._one_shot_stats, container_ids))
        usages: dict[str, ContainerUsage] = {}
        failures: list[BaseException] = []
        for container_id, answer in zip(container_ids, answers, strict=True):
            if isinstance(answer, ContainerUsage):
                usages[container_id] = answer
            elif isinstance(answer, BaseException):
                failures.append(answer)
        if len(failures) == len(container_ids):  # no answer at all: the engine is unreachable
            raise classify(failures[0], self.description) from failures[0]
        return usages

    def _one_shot_stats(self, container_id: str) -> ContainerUsage | BaseException | None:
        """The container's usage; None when the engine says it is gone or not running; the
        exception when the engine did not answer (the node is unreachable)."""
        try:
            stats = self._api.stats(container_id, stream=False, one_shot=True)
        except docker.errors.APIError:
            return None
        except Exception as exc:
            return exc
        return usage_from_stats(container_id, stats) if isinstance(stats, dict) else None

    def close(self) -> None:
        self._api.close()


def _endpoint_of(route: NodeRoute, env: dict[str, str] | os._Environ[str]) -> Endpoint:
    if route.context:
        try:
            return context_endpoint(route.context, env)
        except EndpointError as exc:
            raise BackendError(ProblemKind.MALFORMED_ENDPOINT, str(exc)) from exc
    return Endpoint(route.engine_url, route.source)


def _open(endpoint: Endpoint, label: str) -> Any:
    try:
        api = docker.APIClient(
            base_url=endpoint.url,
            version="auto",
            timeout=PROBE_TIMEOUT,
            tls=tls_config(endpoint),
            max_pool_size=STATS_IN_FLIGHT,
        )
    except Exception as exc:
        raise classify(exc, f"{label} engine {mask_secrets(endpoint.display)}") from exc
    return api


def _running(api: Any, container_id: str, where: str) -> bool | None:
    try:
        state = api.inspect_container(container_id).get("State") or {}
    except docker.errors.NotFound:
        return None
    except Exception as exc:
        raise classify(exc, where) from exc
    return bool(state.get("Running"))


def _run(api: Any, container_id: str, argv: tuple[str, ...], where: str) -> tuple[int, str]:
    try:
        exec_id = api.exec_create(container_id, list(argv), stdout=True, stderr=True)["Id"]
        output = api.exec_start(exec_id, tty=False)
        code = api.exec_inspect(exec_id).get("ExitCode")
    except Exception as exc:
        raise classify(exc, where) from exc
    text = output.decode(errors="replace") if isinstance(output, bytes) else str(output)
    return (int(code) if code is not None else -1), text


def _open_shell(
    api: Any,
    container_id: str,
    argv: tuple[str, ...],
    columns: int,
    rows: int,
    term: str,
    where: str,
) -> EngineShellStream:
    try:
        exec_id = api.exec_create(
            container_id,
            list(argv),
            stdin=True,
            tty=True,
            environment={"TERM": term} if term else None,
        )["Id"]
        raw = api.exec_start(exec_id, tty=True, socket=True)
    except Exception as exc:
        raise classify(exc, where) from exc
    stream = EngineShellStream(api, exec_id, raw)
    stream.resize(columns, rows)
    return stream
